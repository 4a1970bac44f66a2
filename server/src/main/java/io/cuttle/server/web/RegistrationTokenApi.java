package io.cuttle.server.web;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.cuttle.server.data.RegistrationTokenStore;
import io.cuttle.wire.api.CreateRegistrationTokenRequest;
import io.cuttle.wire.api.RegistrationToken;
import io.cuttle.wire.api.RegistrationTokenView;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code /api/registration-tokens}: one-time tokens an admin hands to whoever installs a tentacle,
 * instead of an API key that could do anything for as long as it lives.
 */
final class RegistrationTokenApi {
  static final Duration DEFAULT_EXPIRY = Duration.ofHours(24);
  static final Duration MAX_EXPIRY = Duration.ofDays(30);

  private final RegistrationTokenStore tokens;
  private final Clock clock;
  private final JsonBodies bodies;
  private final JsonResponses responses;

  RegistrationTokenApi(
      RegistrationTokenStore tokens, Clock clock, JsonBodies bodies, JsonResponses responses) {
    this.tokens = tokens;
    this.clock = clock;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Post("/registration-tokens")
  public HttpResponse create(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    // An empty body asks for the defaults, so `curl -X POST` is enough.
    CreateRegistrationTokenRequest body =
        request.content().isEmpty()
            ? new CreateRegistrationTokenRequest(null)
            : bodies.read(request, CreateRegistrationTokenRequest.class);
    Duration expiry = expiry(body.expiresInSeconds());
    long now = clock.millis();
    RegistrationTokenStore.Created created =
        tokens.create(ctx.attr(ApiKeyAuthorizer.CALLER), now, now + expiry.toMillis());
    return responses.created(
        new RegistrationToken(created.id(), created.token(), created.expiresAt()));
  }

  /** Every token, newest first, without values: who made it, until when, and what became of it. */
  @Get("/registration-tokens")
  public HttpResponse list() {
    return responses.ok(tokens.list());
  }

  /** Revokes a token not yet used, so it registers nothing. */
  @Delete("/registration-tokens/{id}")
  public HttpResponse revoke(ServiceRequestContext ctx, @Param("id") String id) {
    RegistrationTokenView token =
        tokens
            .findById(id)
            .orElseThrow(() -> ApiException.notFound("no registration token with id '" + id + "'"));
    if (token.usedMillis() != null) {
      throw ApiException.conflict(
          "registration token '"
              + id
              + "' was already used, by tentacle '"
              + token.usedBy()
              + "'; to remove that tentacle, deregister it");
    }
    if (!tokens.revoke(id, clock.millis())) {
      throw ApiException.conflict("registration token '" + id + "' was revoked already");
    }
    ctx.setAttr(ApiKeyAuthorizer.AUDIT_TARGET, "registration token " + id);
    return responses.ok(tokens.findById(id).orElseThrow());
  }

  private static Duration expiry(Long seconds) {
    if (seconds == null) {
      return DEFAULT_EXPIRY;
    }
    if (seconds < 1 || seconds > MAX_EXPIRY.toSeconds()) {
      throw ApiException.badRequest(
          "expiresInSeconds: "
              + seconds
              + " (expected: 1 to "
              + MAX_EXPIRY.toSeconds()
              + ", i.e. at most 30 days)");
    }
    return Duration.ofSeconds(seconds);
  }
}
