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
import io.cuttle.server.deploy.Environments;
import io.cuttle.wire.api.EnvironmentOrderRequest;
import io.cuttle.wire.api.EnvironmentRequest;

/** {@code /api/environments}: the ordered environments deployments go to. */
final class EnvironmentApi {
  private final Environments environments;
  private final JsonBodies bodies;
  private final JsonResponses responses;

  EnvironmentApi(Environments environments, JsonBodies bodies, JsonResponses responses) {
    this.environments = environments;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Get("/environments")
  public HttpResponse list() {
    return responses.ok(environments.list());
  }

  @Post("/environments")
  public HttpResponse create(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    EnvironmentRequest body = bodies.read(request, EnvironmentRequest.class);
    return responses.created(environments.create(body.name(), ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  /** Puts the environments in the order of {@code names}, which must list each one once. */
  @Put("/environments")
  public HttpResponse reorder(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    EnvironmentOrderRequest body = bodies.read(request, EnvironmentOrderRequest.class);
    return responses.ok(environments.reorder(body.names(), ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Get("/environments/{name}")
  public HttpResponse get(@Param("name") String name) {
    return responses.ok(environments.get(name));
  }

  /** Renames the environment (the body's {@code name}); its tentacles move with it. */
  @Put("/environments/{name}")
  public HttpResponse rename(
      ServiceRequestContext ctx, @Param("name") String name, AggregatedHttpRequest request) {
    EnvironmentRequest body = bodies.read(request, EnvironmentRequest.class);
    return responses.ok(environments.rename(name, body.name(), ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Delete("/environments/{name}")
  public HttpResponse delete(ServiceRequestContext ctx, @Param("name") String name) {
    environments.delete(name, ctx.attr(ApiKeyAuthorizer.CALLER));
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }
}
