package io.cuttle.server.web;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.server.polling.RefusedConnections;
import io.cuttle.server.tasks.HealthChecks;
import io.cuttle.server.tasks.Registrations;
import io.cuttle.server.tasks.TentacleVersions;
import io.cuttle.wire.api.HealthCheckRequest;
import io.cuttle.wire.api.HealthCheckView;
import io.cuttle.wire.api.RegisterTentacleRequest;
import io.cuttle.wire.api.TentacleStatus;
import io.cuttle.wire.api.TentacleView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** {@code /api/tentacles}: register and deregister tentacles, and see the fleet. */
final class TentacleApi {
  private final TentacleStore tentacles;
  private final Registrations registrations;
  private final HealthChecks healthChecks;
  private final PollWaiters waiters;
  private final RefusedConnections refused;
  private final Clock clock;
  private final Duration onlineWindow;
  private final String minimumVersion;
  private final JsonBodies bodies;
  private final JsonResponses responses;

  TentacleApi(
      TentacleStore tentacles,
      Registrations registrations,
      HealthChecks healthChecks,
      PollWaiters waiters,
      RefusedConnections refused,
      Clock clock,
      Duration onlineWindow,
      String minimumVersion,
      JsonBodies bodies,
      JsonResponses responses) {
    this.tentacles = tentacles;
    this.registrations = registrations;
    this.healthChecks = healthChecks;
    this.waiters = waiters;
    this.refused = refused;
    this.clock = clock;
    this.onlineWindow = onlineWindow;
    this.minimumVersion = minimumVersion;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Post("/tentacles")
  public HttpResponse register(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    RegisterTentacleRequest body = bodies.read(request, RegisterTentacleRequest.class);
    return responses.ok(
        registrations.register(
            body,
            ctx.attr(ApiKeyAuthorizer.CALLER),
            ctx.attr(ApiKeyAuthorizer.REGISTRATION_TOKEN)));
  }

  /**
   * Deregisters a tentacle. With {@code thumbprint}, only if it still has that certificate: that is
   * how a tentacle deregistering itself avoids removing whoever took its name since.
   */
  @Delete("/tentacles/{name}")
  public HttpResponse deregister(
      ServiceRequestContext ctx,
      @Param("name") String name,
      @Param("thumbprint") @Nullable String thumbprint) {
    return responses.ok(
        registrations.deregister(name, thumbprint, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Get("/tentacles")
  public HttpResponse list() {
    return responses.ok(tentacles.list().stream().map(this::view).toList());
  }

  /**
   * Polling connections refused, newest last: for an unregistered certificate (an admin who
   * recognises the thumbprint registers that tentacle) or from a peer not trusted to send PROXY
   * headers (an admin who recognises the address adds it to the trusted proxies).
   */
  @Get("/refused-connections")
  public HttpResponse refusedConnections() {
    return responses.ok(refused.list());
  }

  /**
   * Queues a health check for every tentacle the body's filter matches (no body: all), except those
   * with one pending and those too old to run one; the answer names each group.
   */
  @Post("/tentacles/health-check")
  public HttpResponse checkHealth(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    HealthCheckRequest filter =
        request.content().isEmpty() ? null : bodies.read(request, HealthCheckRequest.class);
    return responses.ok(healthChecks.check(filter, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  /** Queues a health check for one tentacle, unless one is pending already. */
  @Post("/tentacles/{name}/health-check")
  public HttpResponse checkHealthOf(ServiceRequestContext ctx, @Param("name") String name) {
    return responses.ok(healthChecks.checkOne(name, ctx.attr(ApiKeyAuthorizer.CALLER)));
  }

  @Get("/tentacles/{name}")
  public HttpResponse get(@Param("name") String name) {
    TentacleRecord tentacle =
        tentacles
            .findByName(name)
            .or(() -> tentacles.findById(name))
            .orElseThrow(() -> ApiException.notFound("no tentacle named '" + name + "'"));
    return responses.ok(view(tentacle));
  }

  private TentacleView view(TentacleRecord t) {
    long now = clock.millis();
    // A tentacle holding a poll open is in contact now, however long ago that poll began.
    boolean polling = waiters.isWaiting(t.id());
    Long lastSeen = polling ? Long.valueOf(now) : t.lastSeenAt();
    boolean recentlySeen = lastSeen != null && now - lastSeen <= onlineWindow.toMillis();
    boolean needsUpgrade = TentacleVersions.isOlder(t.version(), minimumVersion);
    HealthCheckView lastCheck = healthChecks.latest(t).orElse(null);
    String problem =
        !recentlySeen
            ? offline(lastSeen)
            : needsUpgrade
                ? "version "
                    + t.version()
                    + " is older than the server's minimum "
                    + minimumVersion
                    + "; upgrade it"
                : lastCheck == null ? null : healthChecks.problem(lastCheck).orElse(null);
    TentacleStatus status =
        !recentlySeen
            ? TentacleStatus.OFFLINE
            : problem == null ? TentacleStatus.ONLINE : TentacleStatus.UNHEALTHY;
    return new TentacleView(
        t.id(),
        t.name(),
        t.thumbprint(),
        t.environment(),
        t.roles(),
        t.commsStyle(),
        t.commsAddress(),
        t.version(),
        t.capabilities(),
        t.platform(),
        recentlySeen,
        t.lastRoute(),
        t.lastAddress(),
        lastSeen,
        t.registeredAt(),
        needsUpgrade,
        status,
        problem,
        lastCheck,
        healthChecks.isPending(t));
  }

  private String offline(Long lastSeen) {
    return lastSeen == null
        ? "it has never polled; check that it is running and can reach this server"
        : "not in contact since "
            + Instant.ofEpochMilli(lastSeen)
            + " (online means a poll within "
            + onlineWindow.toSeconds()
            + " s); check that it is running and can reach this server";
  }
}
