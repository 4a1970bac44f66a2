package io.cuttle.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.cuttle.common.text.JsonErrorText;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

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
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(JsonErrorText.explain(e).inBody());
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
}
