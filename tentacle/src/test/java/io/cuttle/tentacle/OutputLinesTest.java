package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputLinesTest {

  private static List<String> split(String output, int maxChars) throws Exception {
    List<String> lines = new ArrayList<>();
    OutputLines.split(
        new StringReader(output), maxChars, (line, continuesPrevious) -> lines.add(line));
    return lines;
  }

  /** Each part, prefixed "+" when it goes on from the part before (the server masks across). */
  private static List<String> marked(String output, int maxChars) throws Exception {
    List<String> parts = new ArrayList<>();
    OutputLines.split(
        new StringReader(output),
        maxChars,
        (line, continuesPrevious) -> parts.add((continuesPrevious ? "+" : "") + line));
    return parts;
  }

  @Test
  void marksEachPartThatGoesOnFromACutAndNoWholeLine() throws Exception {
    assertThat(marked("x".repeat(20) + "\nab\n" + "y".repeat(8) + "\nz", 8))
        .containsExactly("xxxxxxxx", "+xxxxxxxx", "+xxxx", "ab", "yyyyyyyy", "z");
  }

  @Test
  void endsLinesAsReadLineDoesAndKeepsEmptyOnes() throws Exception {
    assertThat(split("a\nb\r\nc\rd\n\n\ne", 80)).containsExactly("a", "b", "c", "d", "", "", "e");
    assertThat(split("", 80)).isEmpty();
  }

  @Test
  void cutsALongLineIntoPartsWithoutAnEmptyOneAfterAnExactCut() throws Exception {
    assertThat(split("x".repeat(20) + "\n" + "y".repeat(8) + "\nz\n", 8))
        .containsExactly("xxxxxxxx", "xxxxxxxx", "xxxx", "yyyyyyyy", "z");
  }

  @Test
  void neverCutsBetweenTheHalvesOfACharacter() throws Exception {
    String emoji = "\uD83D\uDE00"; // one character, two chars

    List<String> parts = split("abc" + emoji + "def", 4);

    assertThat(parts).containsExactly("abc" + emoji, "def");
  }

  @Test
  void aHugeLineWithoutNewlinesArrivesWholeInParts() throws Exception {
    List<String> parts = split("q".repeat(1_000_000), OutputShipper.MAX_LINE_CHARS);

    assertThat(parts).hasSize(125).allMatch(p -> p.length() == OutputShipper.MAX_LINE_CHARS);
  }
}
