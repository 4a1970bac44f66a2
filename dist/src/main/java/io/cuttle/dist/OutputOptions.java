package io.cuttle.dist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --output text|json} for the list commands. JSON is the REST API's own documents (the same
 * records, the same field names), an array and nothing else on standard output, so that a script
 * can pipe it to jq; text is the lines for people, which may change between versions.
 */
final class OutputOptions {
  enum Format {
    text,
    json
  }

  private static final ObjectMapper JSON = terminalSafe();

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text (for people; the default) or json (for scripts: an array of objects with the "
              + "REST API's field names).")
  Format format = Format.text;

  /**
   * Prints {@code items} as a JSON array when JSON was asked for; false when the caller prints its
   * text instead.
   */
  boolean printedAsJson(PrintWriter out, List<?> items) {
    if (format != Format.json) {
      return false;
    }
    try {
      out.println(JSON.writeValueAsString(items));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
    return true;
  }

  /**
   * JSON often lands on a terminal before it reaches a script, and it carries what tentacles said
   * (names, versions, problems). JSON itself escapes only C0 controls; this escapes DEL, C1 and the
   * characters that move text too, as {@link io.cuttle.common.text.TerminalText} does for text, so
   * a hostile tentacle cannot drive the terminal through {@code --output json} either. A JSON
   * reader decodes the escapes back to the exact characters.
   */
  private static ObjectMapper terminalSafe() {
    ObjectMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    mapper.getFactory().setCharacterEscapes(new TerminalEscapes());
    return mapper;
  }

  private static final class TerminalEscapes extends CharacterEscapes {
    private final int[] ascii = standardAsciiEscapesForJSON();

    TerminalEscapes() {
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int c) {
      boolean movesText =
          c == 0x2028
              || c == 0x2029
              || (c >= 0x202a && c <= 0x202e)
              || (c >= 0x2066 && c <= 0x2069);
      if ((c >= 0x80 && c <= 0x9f) || movesText) {
        return new SerializedString(String.format("\\u%04X", c));
      }
      return null;
    }
  }
}
