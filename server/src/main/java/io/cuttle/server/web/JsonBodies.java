package io.cuttle.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.linecorp.armeria.common.AggregatedHttpRequest;

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
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "the body is not valid JSON for this request: " + e.getOriginalMessage());
    }
  }
}
