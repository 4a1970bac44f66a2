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
import io.cuttle.server.deploy.Deployments;
import io.cuttle.server.deploy.Projects;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.VariableRequest;

/** {@code /api/projects}: projects, their process, their variables and their releases. */
final class ProjectApi {
  private final Projects projects;
  private final Deployments deployments;
  private final JsonBodies bodies;
  private final JsonResponses responses;

  ProjectApi(
      Projects projects, Deployments deployments, JsonBodies bodies, JsonResponses responses) {
    this.projects = projects;
    this.deployments = deployments;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Get("/projects")
  public HttpResponse list() {
    return responses.ok(projects.list());
  }

  @Post("/projects")
  public HttpResponse create(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    ProjectRequest body = bodies.read(request, ProjectRequest.class);
    return responses.created(projects.create(body, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Get("/projects/{name}")
  public HttpResponse get(@Param("name") String name) {
    return responses.ok(projects.get(name));
  }

  /** Replaces the project's name, description and process; existing releases keep theirs. */
  @Put("/projects/{name}")
  public HttpResponse replace(
      ServiceRequestContext ctx, @Param("name") String name, AggregatedHttpRequest request) {
    ProjectRequest body = bodies.read(request, ProjectRequest.class);
    return responses.ok(projects.replace(name, body, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Delete("/projects/{name}")
  public HttpResponse delete(ServiceRequestContext ctx, @Param("name") String name) {
    projects.delete(name, ctx.attr(ApiKeyAuthorizer.CALLER));
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }

  /** The project's variables; sensitive values read {@code ********}. */
  @Get("/projects/{name}/variables")
  public HttpResponse variables(@Param("name") String name) {
    return responses.ok(projects.variables(name));
  }

  @Post("/projects/{name}/variables")
  public HttpResponse addVariable(
      ServiceRequestContext ctx, @Param("name") String name, AggregatedHttpRequest request) {
    VariableRequest body = bodies.read(request, VariableRequest.class);
    return responses.created(projects.addVariable(name, body, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Delete("/projects/{name}/variables/{id}")
  public HttpResponse deleteVariable(
      ServiceRequestContext ctx, @Param("name") String name, @Param("id") String id) {
    projects.deleteVariable(name, id, ctx.attr(ApiKeyAuthorizer.CALLER));
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }

  @Get("/projects/{name}/releases")
  public HttpResponse releases(@Param("name") String name) {
    return responses.ok(deployments.releases(name));
  }

  @Post("/projects/{name}/releases")
  public HttpResponse createRelease(
      ServiceRequestContext ctx, @Param("name") String name, AggregatedHttpRequest request) {
    CreateReleaseRequest body = bodies.read(request, CreateReleaseRequest.class);
    return responses.created(
        deployments.createRelease(name, body, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Get("/projects/{name}/releases/{version}")
  public HttpResponse release(@Param("name") String name, @Param("version") String version) {
    return responses.ok(deployments.release(name, version));
  }
}
