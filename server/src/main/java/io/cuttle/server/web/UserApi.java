package io.cuttle.server.web;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.cuttle.server.data.PasswordHasher;
import io.cuttle.server.data.Role;
import io.cuttle.server.data.SessionStore;
import io.cuttle.server.data.UserChanges;
import io.cuttle.server.data.UserStore;
import io.cuttle.server.tasks.Validation;
import io.cuttle.wire.api.CreateUserRequest;
import io.cuttle.wire.api.SetPasswordRequest;
import io.cuttle.wire.api.SetRoleRequest;
import io.cuttle.wire.api.UserView;
import java.time.Clock;

/** {@code /api/users}: who may sign in, with which role. */
final class UserApi {
  static final int MIN_PASSWORD = 12;
  static final int MAX_PASSWORD = 200;

  private final UserStore users;
  private final PasswordHasher hasher;
  private final SessionStore sessions;
  private final Clock clock;
  private final JsonBodies bodies;
  private final JsonResponses responses;

  UserApi(
      UserStore users,
      PasswordHasher hasher,
      SessionStore sessions,
      Clock clock,
      JsonBodies bodies,
      JsonResponses responses) {
    this.users = users;
    this.hasher = hasher;
    this.sessions = sessions;
    this.clock = clock;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Get("/users")
  public HttpResponse list() {
    return responses.ok(users.list().stream().map(UserApi::view).toList());
  }

  @Post("/users")
  public HttpResponse create(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    CreateUserRequest body = bodies.read(request, CreateUserRequest.class);
    String name = Validation.name("name", body.name());
    Role role = role(body.role());
    String hash = hasher.hash(password(body.password()));
    if (!users.create(name, hash, role, clock.millis())) {
      throw ApiException.conflict("a user named '" + name + "' exists already");
    }
    ctx.setAttr(ApiKeyAuthorizer.AUDIT_TARGET, "user " + name);
    return responses.created(view(users.find(name).orElseThrow()));
  }

  @Put("/users/{name}/password")
  public HttpResponse setPassword(
      ServiceRequestContext ctx, @Param("name") String name, AggregatedHttpRequest request) {
    SetPasswordRequest body = bodies.read(request, SetPasswordRequest.class);
    if (!users.setPassword(name, hasher.hash(password(body.password())))) {
      throw ApiException.notFound("no user named '" + name + "'");
    }
    // Whoever knew the old password may be signed in with it; a user changing their own keeps the
    // session they changed it from.
    sessions.deleteForUser(name, ApiKeyAuthorizer.sessionCookie(request.headers()).orElse(null));
    ctx.setAttr(ApiKeyAuthorizer.AUDIT_TARGET, "user " + name);
    return responses.ok(view(users.find(name).orElseThrow()));
  }

  /** Ends the user's sessions and refuses their API keys until they are enabled again. */
  @Post("/users/{name}/disable")
  public HttpResponse disable(ServiceRequestContext ctx, @Param("name") String name) {
    return changed(ctx, name, "disable", users.changes().disable(name, clock.millis()));
  }

  @Post("/users/{name}/enable")
  public HttpResponse enable(ServiceRequestContext ctx, @Param("name") String name) {
    return changed(ctx, name, "enable", users.changes().enable(name));
  }

  @Put("/users/{name}/role")
  public HttpResponse setRole(
      ServiceRequestContext ctx, @Param("name") String name, AggregatedHttpRequest request) {
    SetRoleRequest body = bodies.read(request, SetRoleRequest.class);
    Role role = role(body.role());
    return changed(ctx, name, "make a viewer", users.changes().setRole(name, role));
  }

  /** Ends the user's sessions and revokes their API keys; the keys stay listed, revoked. */
  @Delete("/users/{name}")
  public HttpResponse delete(ServiceRequestContext ctx, @Param("name") String name) {
    refuseUnlessDone(name, "delete", users.changes().delete(name, clock.millis()));
    ctx.setAttr(ApiKeyAuthorizer.AUDIT_TARGET, "user " + name);
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }

  private HttpResponse changed(
      ServiceRequestContext ctx, String name, String verb, UserChanges.Outcome outcome) {
    refuseUnlessDone(name, verb, outcome);
    ctx.setAttr(ApiKeyAuthorizer.AUDIT_TARGET, "user " + name);
    return responses.ok(view(users.find(name).orElseThrow()));
  }

  private static void refuseUnlessDone(String name, String verb, UserChanges.Outcome outcome) {
    switch (outcome) {
      case DONE -> {}
      case NO_SUCH_USER -> throw ApiException.notFound("no user named '" + name + "'");
      case LAST_ADMIN ->
          throw ApiException.conflict(
              "cannot "
                  + verb
                  + " '"
                  + name
                  + "': it is the last enabled admin, and without one nobody could change"
                  + " anything; make another user an admin first"
                  + " (cuttle user set-role NAME admin)");
    }
  }

  private static Role role(String role) {
    return Role.of(role)
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "role: '" + role + "' (expected one of: " + Role.known() + ")"));
  }

  private static String password(String password) {
    if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
      throw ApiException.badRequest(
          "password: "
              + (password == null ? "missing" : password.length() + " characters")
              + " (expected: "
              + MIN_PASSWORD
              + " to "
              + MAX_PASSWORD
              + " characters; a passphrase of a few words is easy to type and hard to guess)");
    }
    return password;
  }

  private static UserView view(UserStore.User user) {
    return new UserView(
        user.name(), user.role().id(), user.createdAt(), user.lockedUntil(), user.disabledAt());
  }
}
