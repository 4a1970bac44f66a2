package io.cuttle.dist;

import com.fasterxml.jackson.core.JsonProcessingException;
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

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

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
}
