package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --output json} keeps what a tentacle said exact for scripts and inert on a terminal. */
class OutputOptionsTest {
  record Shown(String name, String version) {}

  private static String json(List<?> items) {
    OutputOptions options = new OutputOptions();
    options.format = OutputOptions.Format.json;
    StringWriter out = new StringWriter();
    assertThat(options.printedAsJson(new PrintWriter(out), items)).isTrue();
    return out.toString();
  }

  @Test
  void controlAndTextMovingCharactersAreEscapedAndReadBackExactly() throws Exception {
    String hostile =
        "web\u001b]52;c;ZWNobyBoaQ==\u0007\u009b2J\u007f\r\nResults: ok\u202eevil\u2028x";
    String printed = json(List.of(new Shown(hostile, "1.0\u0085")));

    assertThat(printed.chars().filter(c -> c < 0x20 && c != '\n' && c != ' ').count())
        .as("no raw C0 control but the layout's newlines")
        .isZero();
    assertThat(printed)
        .doesNotContain("\u001b", "\u0007", "\u009b", "\u007f", "\r", "\u202e", "\u2028", "\u0085")
        .contains("\\u001B", "\\u009B", "\\u007F", "\\r\\n", "\\u202E", "\\u2028", "\\u0085")
        .contains("\"name\"", "\"version\"");
    assertThat(new ObjectMapper().readTree(printed).get(0).get("name").asText()).isEqualTo(hostile);
    assertThat(new ObjectMapper().readTree(printed).get(0).get("version").asText())
        .isEqualTo("1.0\u0085");
  }

  @Test
  void textIsLeftToTheCaller() {
    OutputOptions options = new OutputOptions();
    StringWriter out = new StringWriter();

    assertThat(options.printedAsJson(new PrintWriter(out), List.of(new Shown("a", "b")))).isFalse();
    assertThat(out.toString()).isEmpty();
  }
}
