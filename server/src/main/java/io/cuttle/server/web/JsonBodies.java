package io.cuttle.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads request bodies, turning every way they can be wrong into a 400 that names the problem. */
final class JsonBodies {
  private final ObjectMapper json;

  JsonBodies(ObjectMapper json) {
    this.json = json;
  }

  <T> T read(AggregatedHttpRequest request, Class<T> type) {
    String body = request.contentUtf8();
    if (body.isBlank()) {
      throw ApiException.badRequest("the request needs a JSON body");
    }
    try {
      T value = json.readValue(body, type);
      if (value == null) {
        throw ApiException.badRequest("the request body is null; send a JSON object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badRequest(
          "unknown field '" + e.getPropertyName() + "'; known fields: " + e.getKnownPropertyIds());
    } catch (MismatchedInputException e) {
      if (e.getPath().isEmpty()) {
        throw ApiException.badRequest("the body must be " + expected(e.getTargetType()));
      }
      throw ApiException.badRequest(
          fieldOf(e)
              + ": "
              + (e instanceof InvalidFormatException invalid
                  ? "'" + invalid.getValue() + "'"
                  : "wrong type")
              + " (expected: "
              + expected(e.getTargetType())
              + ")");
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "the body is not valid JSON for this request: " + e.getOriginalMessage());
    }
  }

  /** The field as a client wrote it, e.g. {@code steps[0].kind}. */
  private static String fieldOf(JsonMappingException e) {
    StringBuilder field = new StringBuilder();
    for (JsonMappingException.Reference step : e.getPath()) {
      if (step.getFieldName() != null) {
        field.append(field.isEmpty() ? "" : ".").append(step.getFieldName());
      } else {
        field.append('[').append(step.getIndex()).append(']');
      }
    }
    return field.toString();
  }

  /** What a JSON value of {@code type} looks like, in the words of the API's documentation. */
  private static String expected(Class<?> type) {
    if (type == null) {
      return "a value of another type";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(String::valueOf)
              .collect(Collectors.joining(", "));
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    return "a JSON object";
  }
}
