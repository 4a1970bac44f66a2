package io.cuttle.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads request bodies, turning every way they can be wrong into a 400 that names the problem. */
final class JsonBodies {
  private final JsonMapper json;

  /**
   * @param json the server's mapper, made strict here for reading: no value of one JSON type is
   *     taken for another ({@code "10"} or {@code 1.5} for an integer, {@code 5} for a string), and
   *     nothing may follow the body's one value
   */
  JsonBodies(JsonMapper json) {
    JsonMapper strict =
        json.rebuild()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    // Numbers and booleans are not strings either (Jackson turns them into text by default).
    strict
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    this.json = strict;
  }

  <T> T read(AggregatedHttpRequest request, Class<T> type) {
    String body = utf8(request);
    if (body.isBlank()) {
      throw ApiException.badRequest("the request needs a JSON body");
    }
    MediaType contentType = request.contentType();
    // Only a JSON content type: a form or text/plain POST is what a cross-site page can send
    // without a CORS preflight (a login CSRF).
    if (contentType == null
        || !contentType.is(MediaType.JSON)
        || contentType.charset(StandardCharsets.UTF_8) != StandardCharsets.UTF_8) {
      throw new ApiException(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "the body must be sent as Content-Type: application/json (UTF-8), not "
              + (contentType == null ? "without one" : contentType));
    }
    try {
      T value = json.readValue(body, type);
      if (value == null) {
        throw ApiException.badRequest("the request body is null; send a JSON object");
      }
      BodyLimits.check(value);
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badRequest(
          "unknown field '" + e.getPropertyName() + "'; known fields: " + e.getKnownPropertyIds());
    } catch (MismatchedInputException e) {
      if (e.getOriginalMessage().startsWith("Trailing token")) {
        throw ApiException.badRequest(
            "the body is not valid JSON for this request: something follows its one JSON object");
      }
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

  private static String utf8(AggregatedHttpRequest request) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(request.content().byteBuf().nioBuffer())
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(
          "the body is not valid UTF-8 (" + e.getMessage() + "); send JSON encoded as UTF-8");
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
