package io.cuttle.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {
  @Test
  void printableTextTabsAndBackslashesShowAsTheyAre() {
    assertThat(TerminalText.field("C:\\deploy\tok é ✓")).isEqualTo("C:\\deploy\tok é ✓");
    assertThat(TerminalText.lines("C:\\deploy\tok é ✓")).containsExactly("C:\\deploy\tok é ✓");
  }

  @Test
  void escapeSequencesLoseTheirEscapeSoTheTerminalPrintsThemInsteadOfObeying() {
    String hostile =
        "\u001b[2J\u001b[H" // clear the screen, cursor home
            + "\u001b]0;pwned\u0007" // window title
            + "\u001b]52;c;ZXZpbA==\u001b\\" // clipboard write
            + "\u009b31m" // C1 CSI
            + "\u0000\u007f\u0008";

    assertThat(TerminalText.field(hostile))
        .isEqualTo(
            "\\u001b[2J\\u001b[H\\u001b]0;pwned\\u0007\\u001b]52;c;ZXZpbA==\\u001b\\"
                + "\\u009b31m\\u0000\\u007f\\u0008");
    assertThat(TerminalText.lines(hostile)).containsExactly(TerminalText.field(hostile));
  }

  @Test
  void everyControlCharacterButTabIsEscaped() {
    for (char c = 0; c <= 0x9f; c++) {
      if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
        continue;
      }
      String shown = TerminalText.field("a" + c + "b");
      assertThat(shown.chars().filter(ch -> ch < 0x20 || (ch >= 0x7f && ch <= 0x9f)))
          .as("U+%04X", (int) c)
          .isEmpty();
      assertThat(shown).startsWith("a\\").endsWith("b");
    }
  }

  @Test
  void aFieldStaysOnOneLine() {
    assertThat(TerminalText.field("failed\r\nResults:\n  victim  succeeded"))
        .isEqualTo("failed\\r\\nResults:\\n  victim  succeeded");
  }

  @Test
  void outputIsCutAtLineFeedsSoEachPhysicalLineCanHaveItsOwnPrefixAndCarriageReturnsShow() {
    assertThat(TerminalText.lines("progress 10%\rprogress 100%\n[victim | legacy port] FORGED\n"))
        .containsExactly("progress 10%\\rprogress 100%", "[victim | legacy port] FORGED", "");
    assertThat(TerminalText.lines("")).containsExactly("");
  }

  @Test
  void separatorsAndBidirectionalOverridesAreEscaped() {
    assertThat(TerminalText.field("a\u2028b\u2029c\u202ed\u2066e"))
        .isEqualTo("a\\u2028b\\u2029c\\u202ed\\u2066e");
  }
}
