package io.cuttle.server.web;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.cuttle.server.data.ApiKeyStore;
import io.cuttle.server.data.Column;
import io.cuttle.server.data.UserStore;
import io.cuttle.wire.api.ApiKeyView;
import io.cuttle.wire.api.CreateApiKeyRequest;
import java.time.Clock;

/** {@code /api/api-keys}: keys for scripts and the CLI, each acting as the user it belongs to. */
final class ApiKeyApi {
  private static final int MAX_LABEL = Column.API_KEYS_LABEL.maxChars();

  private final ApiKeyStore keys;
  private final UserStore users;
  private final Clock clock;
  private final JsonBodies bodies;
  private final JsonResponses responses;

  ApiKeyApi(
      ApiKeyStore keys, UserStore users, Clock clock, JsonBodies bodies, JsonResponses responses) {
    this.keys = keys;
    this.users = users;
    this.clock = clock;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Get("/api-keys")
  public HttpResponse list(@Param("user") @Nullable String user) {
    return responses.ok(keys.list(user));
  }

  /** Makes a key; its value is in this answer only. */
  @Post("/api-keys")
  public HttpResponse create(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    CreateApiKeyRequest body = bodies.read(request, CreateApiKeyRequest.class);
    String userName = body.user() == null ? ctx.attr(ApiKeyAuthorizer.CALLER) : body.user();
    UserStore.User user =
        users
            .find(userName)
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "user: no user named '" + userName + "'; create the user first"));
    String label = body.label() == null ? "" : body.label().strip();
    if (label.isEmpty() || label.length() > MAX_LABEL) {
      throw ApiException.badRequest(
          "label: say what the key is for, in 1 to " + MAX_LABEL + " characters");
    }
    ApiKeyView.Created created = keys.create(user.name(), label, user.role(), clock.millis());
    ctx.setAttr(
        ApiKeyAuthorizer.AUDIT_TARGET, "api key " + created.apiKey().id() + " of " + user.name());
    return responses.created(created);
  }

  @Delete("/api-keys/{id}")
  public HttpResponse revoke(ServiceRequestContext ctx, @Param("id") String id) {
    ApiKeyView key =
        keys.find(id).orElseThrow(() -> ApiException.notFound("no API key with id '" + id + "'"));
    if (!keys.revoke(id, clock.millis())) {
      throw ApiException.conflict("API key '" + id + "' was revoked already");
    }
    ctx.setAttr(ApiKeyAuthorizer.AUDIT_TARGET, "api key " + id + " of " + key.user());
    return responses.ok(keys.find(id).orElseThrow());
  }
}
