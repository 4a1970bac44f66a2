package io.cuttle.server.web;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * What every answer of the web server carries, whatever route or failure produced it: headers that
 * keep browsers from framing, sniffing or leaking the app, and a deliberate refusal of OPTIONS,
 * since the API offers no CORS (Armeria's own handling of an unmatched preflight answered 500 and
 * logged the request's headers, credentials included).
 */
final class ResponseRules implements DecoratingHttpServiceFunction {
  /**
   * The web app loads its scripts, styles and API calls from its own origin only and has no inline
   * script or style; nothing may frame it.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
          + " 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors"
          + " 'none'";

  private static final String API_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";

  private final Problems problems;

  ResponseRules(Problems problems) {
    this.problems = problems;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    ctx.mutateAdditionalResponseHeaders(
        headers -> {
          headers
              .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
              .set(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff")
              .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
              .set(HttpHeaderNames.REFERRER_POLICY, "no-referrer")
              // The web server is reached only through the public port, always over TLS.
              .set(HttpHeaderNames.STRICT_TRANSPORT_SECURITY, "max-age=31536000");
          if (req.path().startsWith("/api/")) {
            // API answers carry new keys, tokens, sessions and CSRF tokens, and private data.
            headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
          }
        });
    if (req.method() == HttpMethod.OPTIONS) {
      AggregatedHttpResponse refusal =
          problems.aggregated(
              HttpStatus.METHOD_NOT_ALLOWED,
              "OPTIONS is not served: this server offers no cross-origin (CORS) access");
      // The methods the API uses; which of them a given path takes is in /docs.
      return AggregatedHttpResponse.of(
              refusal.headers().toBuilder().set(HttpHeaderNames.ALLOW, API_METHODS).build(),
              refusal.content())
          .toHttpResponse();
    }
    return delegate.serve(ctx, req);
  }
}
