package io.cuttle.server.web;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.cuttle.server.deploy.Deployments;
import io.cuttle.wire.api.DeployRequest;
import io.cuttle.wire.api.RetryRequest;

/**
 * {@code /api/deployments}: deploy a release to an environment, see deployments, retry a failed
 * target. Each deployment runs as a task: follow it, and cancel it, under {@code /api/tasks}.
 */
final class DeploymentApi {
  private final Deployments deployments;
  private final JsonBodies bodies;
  private final JsonResponses responses;

  DeploymentApi(Deployments deployments, JsonBodies bodies, JsonResponses responses) {
    this.deployments = deployments;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Post("/deployments")
  public HttpResponse deploy(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    DeployRequest body = bodies.read(request, DeployRequest.class);
    return responses.created(deployments.deploy(body, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Get("/deployments")
  public HttpResponse recent(@Param("limit") @Default("20") int limit) {
    if (limit < 1 || limit > 200) {
      throw ApiException.badRequest("limit: " + limit + " (expected: 1 to 200)");
    }
    return responses.ok(deployments.recent(limit));
  }

  /** Which release of each project is in each environment, as a grid. */
  @Get("/dashboard")
  public HttpResponse dashboard() {
    return responses.ok(deployments.dashboard());
  }

  @Get("/deployments/{id}")
  public HttpResponse get(@Param("id") String id) {
    return responses.ok(deployments.get(id));
  }

  /** Runs a failed target again and continues the deployment; answers the deployment's task. */
  @Post("/deployments/{id}/retry")
  public HttpResponse retry(
      ServiceRequestContext ctx, @Param("id") String id, AggregatedHttpRequest request) {
    RetryRequest body = bodies.read(request, RetryRequest.class);
    return responses.ok(
        deployments.retry(
            deployments.get(id).taskId(), body.target(), ctx.attr(ApiKeyAuthorizer.CALLER)));
  }
}
