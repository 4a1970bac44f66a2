package io.cuttle.server.web;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.cuttle.server.data.ApiKeyStore;
import io.cuttle.server.data.RegistrationTokenStore;
import io.netty.util.AttributeKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Lets a request through only with a known API key, and remembers whose it is. A one-time
 * registration token is accepted in the key's place for registering a tentacle and nothing else.
 */
final class ApiKeyAuthorizer implements DecoratingHttpServiceFunction {
  static final AttributeKey<String> CALLER = AttributeKey.valueOf(ApiKeyAuthorizer.class, "caller");

  /** The id of the registration token the caller presented, when it was one. */
  static final AttributeKey<String> REGISTRATION_TOKEN =
      AttributeKey.valueOf(ApiKeyAuthorizer.class, "registrationToken");

  private static final String BEARER = "bearer ";

  private final ApiKeyStore keys;
  private final RegistrationTokenStore tokens;
  private final Problems problems;
  private final Clock clock;

  ApiKeyAuthorizer(
      ApiKeyStore keys, RegistrationTokenStore tokens, Problems problems, Clock clock) {
    this.keys = keys;
    this.tokens = tokens;
    this.problems = problems;
    this.clock = clock;
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
    if (key.get().startsWith(RegistrationTokenStore.PREFIX)) {
      return serveWithToken(delegate, ctx, req, key.get());
    }
    Optional<String> owner = keys.ownerOf(key.get());
    if (owner.isEmpty()) {
      return problems.response(HttpStatus.UNAUTHORIZED, "the API key is not valid on this server");
    }
    ctx.setAttr(CALLER, owner.get());
    return delegate.serve(ctx, req);
  }

  private HttpResponse serveWithToken(
      HttpService delegate, ServiceRequestContext ctx, HttpRequest req, String token)
      throws Exception {
    if (req.method() != HttpMethod.POST || !"/api/tentacles".equals(ctx.path())) {
      return problems.response(
          HttpStatus.FORBIDDEN,
          "a registration token can only register a tentacle (POST /api/tentacles);"
              + " use an API key for anything else");
    }
    Optional<RegistrationTokenStore.Token> found = tokens.find(token);
    if (found.isEmpty()) {
      return problems.response(
          HttpStatus.UNAUTHORIZED, "the registration token is not valid on this server");
    }
    RegistrationTokenStore.Token t = found.get();
    if (t.usedAt() != null) {
      return problems.response(
          HttpStatus.UNAUTHORIZED,
          "the registration token was already used, by tentacle '"
              + t.usedBy()
              + "' at "
              + Instant.ofEpochMilli(t.usedAt())
              + "; a token works once: ask an admin for a new one");
    }
    if (t.expiresAt() <= clock.millis()) {
      return problems.response(
          HttpStatus.UNAUTHORIZED,
          "the registration token expired at "
              + Instant.ofEpochMilli(t.expiresAt())
              + "; ask an admin for a new one");
    }
    ctx.setAttr(CALLER, "registration token " + t.id());
    ctx.setAttr(REGISTRATION_TOKEN, t.id());
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
