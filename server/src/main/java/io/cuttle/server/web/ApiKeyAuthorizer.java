package io.cuttle.server.web;

import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.cuttle.common.text.LogSafe;
import io.cuttle.server.data.ApiKeyStore;
import io.cuttle.server.data.AuditLog;
import io.cuttle.server.data.RegistrationTokenStore;
import io.cuttle.server.data.Role;
import io.cuttle.server.data.SessionStore;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one authorization policy of the API: every service but sign-in and server info is decorated
 * with it. A caller is known by an API key (header), a browser session (cookie) or, for registering
 * a tentacle only, a one-time registration token. Writes made with a session cookie must carry the
 * session's CSRF token in a header, which another site's page cannot read. A viewer may read (GET)
 * and change nothing; an admin may do everything. Every successful write is audited.
 */
final class ApiKeyAuthorizer implements DecoratingHttpServiceFunction {
  private static final Logger log = LoggerFactory.getLogger(ApiKeyAuthorizer.class);

  static final AttributeKey<String> CALLER = AttributeKey.valueOf(ApiKeyAuthorizer.class, "caller");

  /** The id of the registration token the caller presented, when it was one. */
  static final AttributeKey<String> REGISTRATION_TOKEN =
      AttributeKey.valueOf(ApiKeyAuthorizer.class, "registrationToken");

  /** What a write changed, for the audit log, when the request path alone does not say it. */
  static final AttributeKey<String> AUDIT_TARGET =
      AttributeKey.valueOf(ApiKeyAuthorizer.class, "auditTarget");

  static final String SESSION_COOKIE = "cuttle_session";
  static final String CSRF_HEADER = "x-csrf-token";
  private static final String BEARER = "bearer ";

  private final ApiKeyStore keys;
  private final SessionStore sessions;
  private final RegistrationTokenStore tokens;
  private final AuditLog audit;
  private final Problems problems;
  private final Clock clock;

  ApiKeyAuthorizer(
      ApiKeyStore keys,
      SessionStore sessions,
      RegistrationTokenStore tokens,
      AuditLog audit,
      Problems problems,
      Clock clock) {
    this.keys = keys;
    this.sessions = sessions;
    this.tokens = tokens;
    this.audit = audit;
    this.problems = problems;
    this.clock = clock;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) {
    // The lookups below read the database: never on the event loop, which a slow or unreachable
    // database would hold up for every connection it serves (the health check's too). A lookup
    // that fails ends in Problems' handler for failures outside a service.
    return HttpResponse.of(
        CompletableFuture.supplyAsync(() -> refusal(ctx, req), ctx.blockingTaskExecutor())
            .thenApplyAsync(
                refusal -> refusal.orElseGet(() -> serveAudited(delegate, ctx, req)),
                ctx.eventLoop()));
  }

  /** Why the caller may not make this request, or empty once its name is on {@code ctx}. */
  private Optional<HttpResponse> refusal(ServiceRequestContext ctx, HttpRequest req) {
    Optional<String> key = presentedKey(req);
    if (key.isPresent() && key.get().startsWith(RegistrationTokenStore.PREFIX)) {
      return tokenRefusal(ctx, req, key.get());
    }
    Optional<String> cookie = sessionCookie(req.headers());
    ApiKeyStore.Caller caller;
    if (key.isPresent()) {
      Optional<ApiKeyStore.Caller> known = keys.callerOf(key.get());
      if (known.isEmpty()) {
        return Optional.of(
            problems.response(
                HttpStatus.UNAUTHORIZED,
                "the API key is not valid on this server (or was revoked, or its user was"
                    + " disabled or deleted)"));
      }
      caller = known.get();
    } else if (cookie.isPresent()) {
      Optional<SessionStore.Session> session = sessions.find(cookie.get(), clock.millis());
      if (session.isEmpty()) {
        return Optional.of(
            problems.response(HttpStatus.UNAUTHORIZED, "your session has ended; sign in again"));
      }
      if (isWrite(req) && !csrfMatches(req, session.get().csrfToken())) {
        return Optional.of(
            problems.response(
                HttpStatus.FORBIDDEN,
                "a change made with a session cookie needs the session's CSRF token in the "
                    + "X-CSRF-Token header (the web UI sends it); reload the page and try again"));
      }
      caller = new ApiKeyStore.Caller(session.get().userName(), session.get().role());
    } else {
      return Optional.of(
          problems.response(
              HttpStatus.UNAUTHORIZED,
              "this endpoint needs an API key: send it as 'Authorization: Bearer <key>'"
                  + " (the server wrote its bootstrap admin key to admin-api-key in its data directory)"
                  + ", or sign in to the web UI"));
    }
    if (isWrite(req) && caller.role() != Role.ADMIN) {
      return Optional.of(
          problems.response(
              HttpStatus.FORBIDDEN,
              "'"
                  + caller.name()
                  + "' has the "
                  + caller.role().id()
                  + " role, which can read but not change anything; ask an admin to do this,"
                  + " or to give you the admin role"));
    }
    ctx.setAttr(CALLER, caller.name());
    return Optional.empty();
  }

  private Optional<HttpResponse> tokenRefusal(
      ServiceRequestContext ctx, HttpRequest req, String token) {
    if (req.method() != HttpMethod.POST || !"/api/tentacles".equals(ctx.path())) {
      return Optional.of(
          problems.response(
              HttpStatus.FORBIDDEN,
              "a registration token can only register a tentacle (POST /api/tentacles);"
                  + " use an API key for anything else"));
    }
    Optional<RegistrationTokenStore.Token> found = tokens.find(token);
    if (found.isEmpty()) {
      return Optional.of(
          problems.response(
              HttpStatus.UNAUTHORIZED, "the registration token is not valid on this server"));
    }
    RegistrationTokenStore.Token t = found.get();
    if (t.usedAt() != null) {
      return Optional.of(
          problems.response(
              HttpStatus.UNAUTHORIZED,
              "the registration token was already used, by tentacle '"
                  + t.usedBy()
                  + "' at "
                  + Instant.ofEpochMilli(t.usedAt())
                  + "; a token works once: ask an admin for a new one"));
    }
    if (t.revokedAt() != null) {
      return Optional.of(
          problems.response(
              HttpStatus.UNAUTHORIZED,
              "the registration token was revoked at "
                  + Instant.ofEpochMilli(t.revokedAt())
                  + "; ask an admin for a new one"));
    }
    if (t.expiresAt() <= clock.millis()) {
      return Optional.of(
          problems.response(
              HttpStatus.UNAUTHORIZED,
              "the registration token expired at "
                  + Instant.ofEpochMilli(t.expiresAt())
                  + "; ask an admin for a new one"));
    }
    ctx.setAttr(CALLER, "registration token " + t.id());
    ctx.setAttr(REGISTRATION_TOKEN, t.id());
    return Optional.empty();
  }

  /**
   * Serves the request; a write that succeeds is recorded in the audit log before its answer is
   * sent, so whoever sees the answer finds the entry.
   */
  private HttpResponse serveAudited(
      HttpService delegate, ServiceRequestContext ctx, HttpRequest req) {
    HttpResponse response;
    try {
      response = delegate.serve(ctx, req);
    } catch (Exception e) {
      return HttpResponse.ofFailure(e);
    }
    if (!isWrite(req)) {
      return response;
    }
    return HttpResponse.of(
        response
            .aggregate()
            .thenApplyAsync(
                answer -> {
                  if (answer.status().isSuccess()) {
                    record(ctx, req);
                  }
                  return answer.toHttpResponse();
                },
                ctx.blockingTaskExecutor()));
  }

  private void record(ServiceRequestContext ctx, HttpRequest req) {
    String target = ctx.attr(AUDIT_TARGET);
    try {
      audit.record(
          ctx.attr(CALLER),
          req.method() + " " + ctx.path(),
          target != null ? target : ctx.path(),
          clock.millis());
    } catch (RuntimeException e) {
      // The change is made and cannot be taken back here; the log keeps what the audit lost.
      log.error(
          "Could not write the audit entry for {} {} by {}",
          req.method(),
          LogSafe.of(ctx.path()),
          ctx.attr(CALLER),
          e);
    }
  }

  private static boolean isWrite(HttpRequest req) {
    return req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD;
  }

  private static boolean csrfMatches(HttpRequest req, String expected) {
    String sent = req.headers().get(CSRF_HEADER);
    return sent != null
        && MessageDigest.isEqual(
            sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  static Optional<String> sessionCookie(RequestHeaders headers) {
    String header = headers.get(HttpHeaderNames.COOKIE);
    if (header == null) {
      return Optional.empty();
    }
    return Cookie.fromCookieHeader(header).stream()
        .filter(c -> SESSION_COOKIE.equals(c.name()))
        .map(Cookie::value)
        .filter(v -> !v.isEmpty())
        .findFirst();
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
