package io.cuttle.server.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.file.FileService;
import io.cuttle.common.pki.Identity;
import io.cuttle.server.Listeners;
import io.cuttle.server.data.ApiKeyStore;
import io.cuttle.server.data.RegistrationTokenStore;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.server.polling.RefusedConnections;
import io.cuttle.server.tasks.Registrations;
import io.cuttle.server.tasks.TaskEngine;
import io.cuttle.wire.api.ServerInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The web app and REST API over HTTPS. It listens on loopback only: people reach it through the
 * public port, where the router sends every connection that is not for the polling host.
 */
public final class WebServer implements Listeners.Listener {
  static final long MAX_REQUEST_BYTES = 1024 * 1024;
  private static final Duration PACKAGE_UPLOAD_TIMEOUT = Duration.ofHours(1);

  private final Server server;

  private WebServer(Server server) {
    this.server = server;
  }

  /** The server's parts the API serves. */
  public record Parts(
      java.util.function.Supplier<ServerInfo> info,
      TentacleStore tentacles,
      TaskStore tasks,
      ApiKeyStore apiKeys,
      RegistrationTokenStore registrationTokens,
      Registrations registrations,
      TaskEngine engine,
      PackageStore packages,
      PollWaiters waiters,
      RefusedConnections refused,
      Clock clock,
      Duration onlineWindow,
      String minimumTentacleVersion) {}

  public static WebServer start(Identity identity, Parts parts, ScheduledExecutorService workers) {
    ObjectMapper json =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    Problems problems = new Problems(json);
    JsonBodies bodies = new JsonBodies(json);
    JsonResponses responses = new JsonResponses(json);
    ApiKeyAuthorizer authorizer =
        new ApiKeyAuthorizer(parts.apiKeys(), parts.registrationTokens(), problems, parts.clock());

    Server server =
        Server.builder()
            .port(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), SessionProtocol.HTTPS)
            .tls(identity.privateKey(), identity.certificate())
            .maxRequestLength(MAX_REQUEST_BYTES)
            .errorHandler(problems.forRefusedRequests())
            .blockingTaskExecutor(workers, false)
            // One registry per server: both present the same certificate, whose gauges would clash.
            .meterRegistry(new SimpleMeterRegistry())
            .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(2))
            // Problems logs unexpected failures with their stacks; browsers leaving is routine.
            .unloggedExceptionsReportInterval(Duration.ZERO)
            .annotatedService()
            .pathPrefix("/api")
            .exceptionHandlers(problems)
            .useBlockingTaskExecutor(true)
            .build(new ServerApi(parts.info(), responses))
            .annotatedService()
            .pathPrefix("/api")
            .decorator(authorizer)
            .exceptionHandlers(problems)
            .useBlockingTaskExecutor(true)
            .build(
                new TentacleApi(
                    parts.tentacles(),
                    parts.registrations(),
                    parts.waiters(),
                    parts.refused(),
                    parts.clock(),
                    parts.onlineWindow(),
                    parts.minimumTentacleVersion(),
                    bodies,
                    responses))
            .annotatedService()
            .pathPrefix("/api")
            .decorator(authorizer)
            .exceptionHandlers(problems)
            .useBlockingTaskExecutor(true)
            .build(new TaskApi(parts.engine(), parts.tasks(), bodies, responses))
            // Packages are far larger than any other request, and streamed, never held whole:
            // PackageStore enforces its own limit while it writes them to disk.
            .annotatedService()
            .pathPrefix("/api")
            .decorator(authorizer)
            .exceptionHandlers(problems)
            .useBlockingTaskExecutor(true)
            .maxRequestLength(0)
            .requestTimeout(PACKAGE_UPLOAD_TIMEOUT)
            .build(
                new PackageApi(parts.packages(), parts.engine(), parts.clock(), bodies, responses))
            .annotatedService()
            .pathPrefix("/api")
            .decorator(authorizer)
            .exceptionHandlers(problems)
            .useBlockingTaskExecutor(true)
            .build(
                new RegistrationTokenApi(
                    parts.registrationTokens(), parts.clock(), bodies, responses))
            .serviceUnder(
                "/",
                FileService.builder(WebServer.class.getClassLoader(), "io/cuttle/server/web/static")
                    .build())
            .build();
    server.start().join();
    return new WebServer(server);
  }

  public int port() {
    return server.activeLocalPort(SessionProtocol.HTTPS);
  }

  @Override
  public CompletableFuture<?> closeAsync() {
    return server.closeAsync();
  }
}
