package io.cuttle.server.web;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.cuttle.server.data.ApiKeyStore;
import io.netty.util.AttributeKey;
import java.util.Optional;

/** Lets a request through only with a known API key, and remembers whose it is. */
final class ApiKeyAuthorizer implements DecoratingHttpServiceFunction {
  static final AttributeKey<String> CALLER = AttributeKey.valueOf(ApiKeyAuthorizer.class, "caller");
  private static final String BEARER = "bearer ";

  private final ApiKeyStore keys;
  private final Problems problems;

  ApiKeyAuthorizer(ApiKeyStore keys, Problems problems) {
    this.keys = keys;
    this.problems = problems;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    Optional<String> key = presentedKey(req);
    if (key.isEmpty()) {
      return problems.response(
          HttpStatus.UNAUTHORIZED,
          "this endpoint needs an API key: send it as 'Authorization: Bearer <key>'"
              + " (the server wrote its bootstrap admin key to admin-api-key in its data directory)");
    }
    Optional<String> owner = keys.ownerOf(key.get());
    if (owner.isEmpty()) {
      return problems.response(HttpStatus.UNAUTHORIZED, "the API key is not valid on this server");
    }
    ctx.setAttr(CALLER, owner.get());
    return delegate.serve(ctx, req);
  }

  private static Optional<String> presentedKey(HttpRequest req) {
    String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.of(authorization.substring(BEARER.length()).trim()).filter(s -> !s.isEmpty());
    }
    return Optional.ofNullable(req.headers().get("x-api-key"))
        .map(String::trim)
        .filter(s -> !s.isEmpty());
  }
}
