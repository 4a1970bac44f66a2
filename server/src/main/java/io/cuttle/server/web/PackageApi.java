package io.cuttle.server.web;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.cuttle.server.packages.PackageCoordinates;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.server.tasks.TaskEngine;
import io.cuttle.wire.api.DeployPackageRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code /api/packages}: push, list and delete packages; and {@code /api/tasks/packages}, which
 * deploys one to tentacles. A push is streamed to disk as it arrives, never held in memory.
 */
final class PackageApi {
  private final PackageStore packages;
  private final TaskEngine engine;
  private final Clock clock;
  private final JsonBodies bodies;
  private final JsonResponses responses;

  PackageApi(
      PackageStore packages,
      TaskEngine engine,
      Clock clock,
      JsonBodies bodies,
      JsonResponses responses) {
    this.packages = packages;
    this.engine = engine;
    this.clock = clock;
    this.bodies = bodies;
    this.responses = responses;
  }

  /**
   * The body is the package file. Its id and version come from {@code id} and {@code version}, or
   * from {@code fileName} such as {@code Acme.Web.1.2.0.zip}. Answers 201 for a new package, 200
   * when the identical package was there already.
   */
  @Post("/packages")
  public HttpResponse push(
      ServiceRequestContext ctx,
      HttpRequest request,
      @Param("id") Optional<String> id,
      @Param("version") Optional<String> version,
      @Param("fileName") Optional<String> fileName)
      throws IOException {
    PackageCoordinates coordinates =
        id.isPresent() || version.isPresent() || fileName.isEmpty()
            ? PackageCoordinates.of(id.orElse(null), version.orElse(null))
            : PackageCoordinates.fromFileName(fileName.get());
    try (InputStream body =
        request.toInputStream(o -> o instanceof HttpData data ? data : HttpData.empty())) {
      PackageStore.Pushed pushed =
          packages.push(coordinates, body, ctx.attr(ApiKeyAuthorizer.CALLER), clock.millis());
      return pushed.created() ? responses.created(pushed.view()) : responses.ok(pushed.view());
    }
  }

  @Get("/packages")
  public HttpResponse list() {
    return responses.ok(packages.list());
  }

  @Get("/packages/{id}/{version}")
  public HttpResponse get(@Param("id") String id, @Param("version") String version) {
    PackageCoordinates coordinates = PackageCoordinates.of(id, version);
    return responses.ok(
        packages
            .find(coordinates)
            .orElseThrow(() -> ApiException.notFound("no package " + coordinates + " is stored")));
  }

  /** Deletes the package; 409 while something still uses it. Answers what was deleted. */
  @Delete("/packages/{id}/{version}")
  public HttpResponse delete(@Param("id") String id, @Param("version") String version) {
    return responses.ok(packages.delete(PackageCoordinates.of(id, version)));
  }

  @Post("/tasks/packages")
  public HttpResponse deploy(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    DeployPackageRequest body = bodies.read(request, DeployPackageRequest.class);
    return responses.created(engine.deployPackage(body, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }
}
