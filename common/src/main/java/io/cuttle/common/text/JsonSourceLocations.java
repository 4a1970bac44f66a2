package io.cuttle.common.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Where a JSON path ({@code steps[1].syntax}) is written in a document, so that an error about a
 * field can point at its line and column. Jackson reports where it noticed a problem, which for a
 * record is after the whole object was read; this finds where the field itself starts.
 */
public final class JsonSourceLocations {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** The line and column, both 1-based, of a place in a document. */
  public record Location(int line, int column) {}

  private JsonSourceLocations() {}

  /**
   * Where {@code path} starts (its field name, or its element in a list); where it is not written,
   * where its nearest written parent starts; empty when not even that is found (or the document is
   * not JSON up to there).
   */
  public static Optional<Location> of(String json, String path) {
    Location best = null;
    int bestLength = 0;
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          continue;
        }
        String here = pathOf(parser, token);
        if (here.equals(path)) {
          return Optional.of(location(parser.currentTokenLocation()));
        }
        if (here.length() > bestLength && isParent(here, path)) {
          best = location(parser.currentTokenLocation());
          bestLength = here.length();
        }
      }
    } catch (JsonProcessingException e) {
      // Not JSON past some point: what was found before it still stands.
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(best);
  }

  private static boolean isParent(String parent, String path) {
    return path.startsWith(parent)
        && (path.charAt(parent.length()) == '.' || path.charAt(parent.length()) == '[');
  }

  /** The path of the current token; a value in an object is found at its field name instead. */
  private static String pathOf(JsonParser parser, JsonToken token) {
    JsonStreamContext context = parser.getParsingContext();
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      // The parser has already entered the new object or list; the path is its parent's.
      context = context.getParent();
    }
    if (context.inObject() && token != JsonToken.FIELD_NAME) {
      return ""; // the value after a field name: the field name was the match
    }
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = context; c != null; c = c.getParent()) {
      if (c.inArray()) {
        parts.add("[" + c.getCurrentIndex() + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        parts.add("." + c.getCurrentName());
      }
    }
    Collections.reverse(parts);
    String path = String.join("", parts);
    return path.startsWith(".") ? path.substring(1) : path;
  }

  private static Location location(JsonLocation location) {
    return new Location(location.getLineNr(), location.getColumnNr());
  }
}
