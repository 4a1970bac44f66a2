package io.cuttle.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;

/** Writes API answers with the server's one ObjectMapper. */
final class JsonResponses {
  private final ObjectMapper json;

  JsonResponses(ObjectMapper json) {
    this.json = json;
  }

  HttpResponse ok(Object body) {
    return of(HttpStatus.OK, body);
  }

  HttpResponse created(Object body) {
    return of(HttpStatus.CREATED, body);
  }

  HttpResponse of(HttpStatus status, Object body) {
    try {
      return HttpResponse.of(status, MediaType.JSON_UTF_8, json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write " + body.getClass().getSimpleName(), e);
    }
  }
}
