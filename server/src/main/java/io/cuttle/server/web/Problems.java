package io.cuttle.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpStatusException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.ExceptionHandlerFunction;
import io.cuttle.common.text.LogSafe;
import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.wire.api.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every API failure into an RFC 9457 problem document. Expected refusals carry their own
 * words; a database that cannot be reached is answered 503 (DatabaseAvailability logs the outage
 * once); anything unexpected is logged here with its stack and answered without internals.
 */
final class Problems implements ExceptionHandlerFunction {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  private static final MediaType PROBLEM_JSON = MediaType.parse("application/problem+json");

  /** Seconds a client is asked to wait before trying again while the database is unavailable. */
  private static final int RETRY_AFTER_SECONDS = 5;

  private final ObjectMapper json;
  private final DatabaseAvailability database;

  Problems(ObjectMapper json, DatabaseAvailability database) {
    this.json = json;
    this.database = database;
  }

  @Override
  public HttpResponse handleException(ServiceRequestContext ctx, HttpRequest req, Throwable cause) {
    if (cause instanceof ApiException api) {
      return response(api.status(), api.getMessage());
    }
    if (cause instanceof ContentTooLargeException
        || (cause instanceof HttpStatusException status
            && status.httpStatus() == HttpStatus.REQUEST_ENTITY_TOO_LARGE)) {
      return response(
          HttpStatus.REQUEST_ENTITY_TOO_LARGE,
          "the request body is larger than the "
              + WebServer.MAX_REQUEST_BYTES / 1024
              + " KiB this server accepts; ship large content as a package");
    }
    if (cause instanceof HttpStatusException status) {
      return response(status.httpStatus(), status.httpStatus().reasonPhrase());
    }
    if (cause instanceof IllegalArgumentException) {
      // Armeria's parameter conversion, e.g. ?limit=abc
      return response(
          HttpStatus.BAD_REQUEST, "a request parameter is not valid: " + cause.getMessage());
    }
    if (database.failed(cause)) {
      return unavailable();
    }
    log.error("Unexpected failure serving {} {}", req.method(), LogSafe.of(req.path()), cause);
    return response(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "the server failed to handle this request; its log has the details (request "
            + ctx.id()
            + ")");
  }

  private HttpResponse unavailable() {
    AggregatedHttpResponse problem =
        aggregated(
            HttpStatus.SERVICE_UNAVAILABLE,
            "the server's database is unavailable"
                + database.unavailableSince().map(since -> " (since " + since + ")").orElse("")
                + "; retry later");
    return AggregatedHttpResponse.of(
            problem.headers().toBuilder()
                .setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .build(),
            problem.content())
        .toHttpResponse();
  }

  HttpResponse response(HttpStatus status, String detail) {
    return aggregated(status, detail).toHttpResponse();
  }

  AggregatedHttpResponse aggregated(HttpStatus status, String detail) {
    Problem problem = new Problem("about:blank", status.reasonPhrase(), status.code(), detail);
    try {
      return AggregatedHttpResponse.of(status, PROBLEM_JSON, json.writeValueAsBytes(problem));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Answers requests Armeria refuses before any service sees them as problems too. The usual one is
   * a '..' in the query, which it refuses outright (so a package id like {@code ../etc} can never
   * reach the API); its own answer would be a bare "Status: 400".
   */
  ServerErrorHandler forRefusedRequests() {
    return new ServerErrorHandler() {
      @Override
      public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
        // Services have their own exception handlers (this class); what reaches here failed
        // before one ran, e.g. in ApiKeyAuthorizer's key lookup.
        return database.failed(cause) ? unavailable() : null;
      }

      @Override
      public AggregatedHttpResponse renderStatus(
          ServiceRequestContext ctx,
          ServiceConfig config,
          RequestHeaders headers,
          HttpStatus status,
          String description,
          Throwable cause) {
        if (ctx != null || status != HttpStatus.BAD_REQUEST) {
          return null;
        }
        return aggregated(
            status,
            "the request's path or query is not valid: it holds '..', or a character the server"
                + " does not accept there; names (of packages, versions, tentacles) never contain"
                + " '..'");
      }
    };
  }
}
