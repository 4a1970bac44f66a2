package io.cuttle.server.web;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.Cookie;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Post;
import io.cuttle.server.data.AuditLog;
import io.cuttle.server.data.PasswordHasher;
import io.cuttle.server.data.SessionStore;
import io.cuttle.server.data.UserStore;
import io.cuttle.wire.api.LoginRequest;
import io.cuttle.wire.api.SessionView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/login}, {@code /api/logout} and {@code /api/session}: browser sign-in. A user name
 * that fails {@link #MAX_FAILED_LOGINS} times in a row is locked for {@link #LOCKOUT}, whatever
 * password comes next, which bounds online guessing to about 1,400 tries a day per user however
 * many arrive at once; a successful login or a new password clears the count. Names no user has are
 * counted and locked alike, so that the answer does not tell which names exist.
 */
final class SessionApi {
  static final int MAX_FAILED_LOGINS = 5;
  static final Duration LOCKOUT = Duration.ofMinutes(5);
  static final Duration SESSION_LIFETIME = Duration.ofHours(12);

  private final UserStore users;
  private final SessionStore sessions;
  private final PasswordHasher hasher;
  private final AuditLog audit;
  private final Clock clock;
  private final JsonBodies bodies;
  private final JsonResponses responses;
  private final LoginGate gate;
  // Checked against unknown names so that they take as long to refuse as a wrong password.
  private final String decoyHash;

  SessionApi(
      UserStore users,
      SessionStore sessions,
      PasswordHasher hasher,
      AuditLog audit,
      Clock clock,
      JsonBodies bodies,
      JsonResponses responses,
      LoginGate gate) {
    this.users = users;
    this.sessions = sessions;
    this.hasher = hasher;
    this.audit = audit;
    this.clock = clock;
    this.bodies = bodies;
    this.responses = responses;
    this.gate = gate;
    this.decoyHash = hasher.decoy();
  }

  /** Checked here, then signed in on the {@link LoginGate}'s own pool, within its limits. */
  @Post("/login")
  public CompletableFuture<HttpResponse> login(
      ServiceRequestContext ctx, AggregatedHttpRequest request) {
    LoginRequest body = bodies.read(request, LoginRequest.class);
    if (body.name() == null || body.name().isBlank() || body.password() == null) {
      throw ApiException.badRequest("name and password are required");
    }
    return gate.run(ctx.proxiedAddresses().sourceAddress().getAddress(), () -> signIn(body));
  }

  private HttpResponse signIn(LoginRequest body) {
    long now = clock.millis();
    // The turn is taken before any password is checked, for known and unknown names alike, so
    // that parallel guesses cannot outrun the lockout and a locked unknown name answers as a
    // locked user does.
    UserStore.LoginTurn turn =
        users.takeLoginTurn(body.name(), now, MAX_FAILED_LOGINS, now + LOCKOUT.toMillis());
    if (!turn.granted()) {
      audit.record(body.name(), "login refused: locked", "user " + body.name(), now);
      throw new ApiException(
          HttpStatus.TOO_MANY_REQUESTS,
          "too many failed logins for '"
              + body.name()
              + "': try again after "
              + Instant.ofEpochMilli(turn.lockedUntil())
              + ", or ask an admin to set a new password");
    }
    String failed = turn.lockedUntil() == null ? "login failed" : "login failed: locked";
    Optional<UserStore.User> found = users.find(body.name());
    if (found.isEmpty()) {
      hasher.matches(body.password(), decoyHash);
      throw refused(body.name(), "login failed: no such user", now);
    }
    UserStore.User user = found.get();
    if (!hasher.matches(body.password(), user.passwordHash())) {
      throw refused(user.name(), failed, now);
    }
    // Only someone who knows the password learns that the user is disabled.
    Optional<SessionStore.Created> created =
        user.disabledAt() == null
            ? sessions.create(user.id(), now, now + SESSION_LIFETIME.toMillis())
            : Optional.empty();
    if (created.isEmpty()) {
      audit.record(user.name(), "login refused: disabled", "user " + user.name(), now);
      throw new ApiException(
          HttpStatus.FORBIDDEN,
          "the user '"
              + user.name()
              + "' is disabled (or was deleted); ask an admin to enable it"
              + " (cuttle user enable "
              + user.name()
              + ")");
    }
    users.clearFailures(user.id());
    SessionStore.Created session = created.get();
    audit.record(user.name(), "login", "user " + user.name(), now);
    return responses
        .ok(
            new SessionView(
                user.name(), user.role().id(), session.csrfToken(), session.expiresAt()))
        .mapHeaders(
            h ->
                h.toBuilder()
                    .add(HttpHeaderNames.SET_COOKIE, cookie(session.cookie(), SESSION_LIFETIME))
                    .build());
  }

  private ApiException refused(String name, String action, long now) {
    audit.record(name, action, "user " + name, now);
    return new ApiException(HttpStatus.UNAUTHORIZED, "wrong user name or password");
  }

  @Post("/logout")
  public HttpResponse logout(AggregatedHttpRequest request) {
    ApiKeyAuthorizer.sessionCookie(request.headers())
        .ifPresent(
            cookie -> {
              sessions
                  .find(cookie, clock.millis())
                  .ifPresent(
                      s ->
                          audit.record(
                              s.userName(), "logout", "user " + s.userName(), clock.millis()));
              sessions.delete(cookie);
            });
    return HttpResponse.builder()
        .status(HttpStatus.NO_CONTENT)
        .header(HttpHeaderNames.SET_COOKIE, cookie("", Duration.ZERO))
        .build();
  }

  /** Who the session cookie belongs to, with the CSRF token a reloaded page needs. */
  @Get("/session")
  public HttpResponse session(AggregatedHttpRequest request) {
    SessionStore.Session session =
        ApiKeyAuthorizer.sessionCookie(request.headers())
            .flatMap(cookie -> sessions.find(cookie, clock.millis()))
            .orElseThrow(
                () -> new ApiException(HttpStatus.UNAUTHORIZED, "not signed in; sign in first"));
    return responses.ok(
        new SessionView(
            session.userName(), session.role().id(), session.csrfToken(), session.expiresAt()));
  }

  // HttpOnly: page scripts cannot read it; SameSite=Strict: other sites' pages cannot send it.
  private static String cookie(String value, Duration maxAge) {
    return Cookie.secureBuilder(ApiKeyAuthorizer.SESSION_COOKIE, value)
        .path("/")
        .httpOnly(true)
        .sameSite("Strict")
        .maxAge(maxAge.toSeconds())
        .build()
        .toSetCookieHeader();
  }
}
