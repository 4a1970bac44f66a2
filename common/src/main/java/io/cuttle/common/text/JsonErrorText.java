package io.cuttle.common.text;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Jackson's read failures into a {@link JsonError}: the JSON path, the line and column, what
 * was found and what was expected, with "did you mean" for a misspelt field. Jackson's own messages
 * name Java classes ({@code java.util.ArrayList}, {@code io.cuttle.wire.api.StepSpec}) that mean
 * nothing to the person who wrote the JSON; nothing of them reaches the result.
 */
public final class JsonErrorText {
  private static final Pattern FROM_VALUE =
      Pattern.compile(
          "from (String|Object|Array|Number|Integer|Floating-point|Float|Boolean|Null) value"
              + "(?: \\((.*?)\\))?");
  private static final Pattern COERCE =
      Pattern.compile(
          "^Cannot coerce (String|Integer|Floating-point|Float|Boolean|Null) value"
              + "(?: \\((.*?)\\))? to");
  private static final Pattern OUT_OF_RANGE =
      Pattern.compile("Numeric value \\((.*?)\\) out of range of \\w+ \\((-?\\d+) - (-?\\d+)\\)");
  private static final Pattern LIMIT =
      Pattern.compile(
          "(String value length|Number value length|Name length|Document nesting depth)"
              + " \\((\\d+)\\) exceeds the maximum allowed \\((\\d+)");
  private static final Pattern CLASS_NAME = Pattern.compile("`[^`]*`");
  private static final Pattern FIELD_FIRST =
      Pattern.compile(
          "^([A-Za-z_][\\w-]*(?:\\[\\d+\\])*(?:\\.[A-Za-z_][\\w-]*(?:\\[\\d+\\])*)*): (.+)");

  private JsonErrorText() {}

  public static JsonError explain(JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    int line = location == null ? 0 : location.getLineNr();
    int column = location == null ? 0 : location.getColumnNr();
    if (e instanceof JsonMappingException mapping
        && mapping.getCause() instanceof StreamReadException cause
        && !(cause instanceof InputCoercionException)) {
      // Text that is not JSON, met while binding: Jackson wraps it and adds the field path.
      return syntax(pathOf(mapping.getPath()), cause, line, column);
    }
    if (e instanceof StreamReadException read && !(read instanceof InputCoercionException)) {
      return syntax(pathOf(read.getProcessor()), read, line, column);
    }
    if (e instanceof MismatchedInputException mismatch
        && mismatch.getOriginalMessage().startsWith("Trailing token")) {
      return new JsonError(
          "",
          true,
          "found more after the end of the JSON value, expected nothing",
          null,
          line,
          column);
    }
    if (e instanceof JsonMappingException mapping) {
      return content(mapping, line, column);
    }
    String problem = limit(e);
    return new JsonError("", false, problem, "cannot be read: " + problem, line, column);
  }

  /** A reader's limit (StreamReadConstraints) that the document passed, or another failure. */
  private static String limit(JsonProcessingException e) {
    String message = Objects.requireNonNullElse(e.getOriginalMessage(), "");
    Matcher m = LIMIT.matcher(message);
    if (!m.find()) {
      return withoutInternals(message);
    }
    String what =
        switch (m.group(1)) {
          case "String value length" -> "a string of " + m.group(2) + " characters";
          case "Number value length" -> "a number of " + m.group(2) + " digits";
          case "Name length" -> "a field name of " + m.group(2) + " characters";
          default -> m.group(2) + " levels of nested lists and objects";
        };
    return "found " + what + ", expected at most " + m.group(3);
  }

  private static JsonError syntax(String path, StreamReadException e, int line, int column) {
    JsonLocation location = e.getLocation();
    if (location != null) {
      line = location.getLineNr();
      column = location.getColumnNr();
    }
    return new JsonError(
        path, true, JsonSyntaxWords.describe(e.getOriginalMessage()), null, line, column);
  }

  private static JsonError content(JsonMappingException e, int line, int column) {
    List<JsonMappingException.Reference> references = e.getPath();
    String path = pathOf(references);
    if (e instanceof UnrecognizedPropertyException unknown) {
      return unknownField(unknown, path, line, column);
    }
    if (e instanceof ValueInstantiationException invalid) {
      return refused(invalid, path, line, column);
    }
    if (e.getCause() instanceof InputCoercionException range) {
      Matcher m = OUT_OF_RANGE.matcher(range.getOriginalMessage());
      String problem =
          m.find()
              ? "found "
                  + m.group(1)
                  + ", expected a whole number from "
                  + m.group(2)
                  + " to "
                  + m.group(3)
              : "found a number out of range";
      return new JsonError(path, false, problem, problem, line, column);
    }
    if (e.getCause() instanceof JsonProcessingException limited) {
      String problem = limit(limited);
      return new JsonError(path, false, problem, "cannot be read: " + problem, line, column);
    }
    String message = Objects.requireNonNullElse(e.getOriginalMessage(), "");
    if (message.startsWith("No content to map")) {
      return new JsonError(
          path, false, "found nothing", "is empty, expected a JSON object", line, column);
    }
    String expected = expected(references, e);
    String found = found(message, e instanceof InvalidFormatException f ? f.getValue() : null);
    return new JsonError(
        path,
        false,
        "found " + found + ", expected " + expected,
        "must be " + expected + ", not " + found,
        line,
        column);
  }

  private static JsonError unknownField(
      UnrecognizedPropertyException e, String path, int line, int column) {
    List<String> known = new ArrayList<>();
    if (e.getKnownPropertyIds() != null) {
      e.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
    }
    known.sort(JsonTypeWords.declarationOrder(e.getReferringClass()));
    String name = e.getPropertyName();
    String problem =
        "unknown field '"
            + LogSafe.of(name)
            + "'"
            + NearestName.to(name, known).map(n -> "; did you mean " + n + "?").orElse("")
            + (known.isEmpty() ? "" : " (known fields: " + String.join(", ", known) + ")");
    return new JsonError(path, false, problem, "has an " + problem, line, column);
  }

  /** A value the type refused in its constructor; its message may name a field of its own. */
  private static JsonError refused(
      ValueInstantiationException e, String path, int line, int column) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    String message =
        cause == e ? "is not valid" : Objects.requireNonNullElse(cause.getMessage(), "not valid");
    Matcher field = FIELD_FIRST.matcher(message);
    if (field.matches()) {
      path = path.isEmpty() ? field.group(1) : path + "." + field.group(1);
      message = field.group(2);
    }
    message = withoutInternals(message);
    return new JsonError(path, false, message, "is not valid: " + message, line, column);
  }

  private static String expected(List<JsonMappingException.Reference> references, Exception e) {
    if (!references.isEmpty()) {
      JsonMappingException.Reference last = references.get(references.size() - 1);
      Type declared = JsonTypeWords.declaredType(last.getFrom(), last.getFieldName());
      if (declared != null) {
        return JsonTypeWords.expected(declared);
      }
    }
    return e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
        ? JsonTypeWords.expected(mismatch.getTargetType())
        : "a value of another kind";
  }

  /** What the document held, from Jackson's words ("from String value ('web')"). */
  private static String found(String message, Object value) {
    Matcher m = COERCE.matcher(message);
    if (!m.find()) {
      m = FROM_VALUE.matcher(message);
      if (!m.find()) {
        return value == null ? "a value of another kind" : foundValue(value);
      }
    }
    String shown = value != null ? String.valueOf(value) : m.group(2);
    if (shown != null && shown.startsWith("token ")) {
      shown = null;
    }
    if (shown != null && shown.length() >= 2 && "'\"".indexOf(shown.charAt(0)) >= 0) {
      shown = shown.substring(1, shown.length() - 1);
    }
    String kind =
        switch (m.group(1)) {
          case "String" -> "a string";
          case "Object" -> "an object";
          case "Array" -> "a list";
          case "Boolean" -> shown != null ? shown : "true or false";
          case "Null" -> "null";
          default -> "a number";
        };
    boolean quoted = m.group(1).equals("String");
    return shown == null || m.group(1).equals("Boolean") || m.group(1).equals("Null")
        ? kind
        : kind + " (" + (quoted ? "'" + LogSafe.of(shown) + "'" : LogSafe.of(shown)) + ")";
  }

  private static String foundValue(Object value) {
    if (value instanceof String s) {
      return "a string ('" + LogSafe.of(s) + "')";
    }
    if (value instanceof Number) {
      return "a number (" + LogSafe.of(String.valueOf(value)) + ")";
    }
    return LogSafe.of(String.valueOf(value));
  }

  /** The JSON path as its writer sees it: {@code steps[0].roles}. */
  static String pathOf(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return LogSafe.of(path.toString());
  }

  /** Where a parser stood when the text stopped being JSON. */
  private static String pathOf(Object processor) {
    if (!(processor instanceof JsonParser parser)) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    // The innermost object or list is where the text broke; its current name or index is the
    // last one read, which may be complete (a trailing comma after it), so only its parents count.
    JsonStreamContext innermost = parser.getParsingContext();
    for (JsonStreamContext c = innermost == null ? null : innermost.getParent();
        c != null;
        c = c.getParent()) {
      if (c.inArray()) {
        parts.add("[" + c.getCurrentIndex() + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        parts.add("." + c.getCurrentName());
      }
    }
    Collections.reverse(parts);
    String path = String.join("", parts);
    return LogSafe.of(path.startsWith(".") ? path.substring(1) : path);
  }

  /** Jackson's words without the Java names and source excerpts they carry. */
  static String withoutInternals(String message) {
    if (message == null) {
      return "not valid";
    }
    int source = message.indexOf("[Source");
    String text =
        source >= 0 ? message.substring(0, source).replaceFirst("\\s*at\\s*$", "") : message;
    if (text.chars().filter(c -> c == '(').count() > text.chars().filter(c -> c == ')').count()) {
      text = text.substring(0, text.lastIndexOf('('));
    }
    text = text.replaceAll(", from `[^`]*`", "");
    return CLASS_NAME.matcher(text).replaceAll("the value").strip();
  }
}
