package io.cuttle.server.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.TlsProvider;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.docs.DocService;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import io.cuttle.server.HandshakeDeadline;
import io.cuttle.server.Listeners;
import io.cuttle.server.data.ApiKeyStore;
import io.cuttle.server.data.AuditLog;
import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.PasswordHasher;
import io.cuttle.server.data.RegistrationTokenStore;
import io.cuttle.server.data.ServerNodeStore;
import io.cuttle.server.data.SessionStore;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.data.UserStore;
import io.cuttle.server.deploy.Deployments;
import io.cuttle.server.deploy.Environments;
import io.cuttle.server.deploy.Projects;
import io.cuttle.server.identity.ServerCertificates;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.server.polling.RefusedConnections;
import io.cuttle.server.tasks.HealthChecks;
import io.cuttle.server.tasks.Registrations;
import io.cuttle.server.tasks.TaskEngine;
import io.cuttle.wire.api.ServerInfo;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The web app and REST API over HTTPS. It listens on loopback only: people reach it through the
 * public port, where the router sends every connection that is not for the polling host.
 */
public final class WebServer implements Listeners.Listener {
  static final long MAX_REQUEST_BYTES = 1024 * 1024;
  private static final Duration PACKAGE_UPLOAD_TIMEOUT = Duration.ofHours(1);

  /**
   * A connection with no request in flight is closed after this long. Armeria's timer does not
   * count bytes of a request whose headers are incomplete, so this is also the deadline for a
   * request's headers: a client trickling them a byte at a time is closed when it runs out.
   */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(15);

  private final Server server;
  private final LoginGate logins;

  private WebServer(Server server, LoginGate logins) {
    this.server = server;
    this.logins = logins;
  }

  /** The server's parts the API serves. */
  public record Parts(
      java.util.function.Supplier<ServerInfo> info,
      DatabaseAvailability database,
      TentacleStore tentacles,
      TaskStore tasks,
      ApiKeyStore apiKeys,
      UserStore users,
      SessionStore sessions,
      PasswordHasher passwords,
      AuditLog audit,
      RegistrationTokenStore registrationTokens,
      Registrations registrations,
      TaskEngine engine,
      HealthChecks healthChecks,
      Environments environments,
      Projects projects,
      Deployments deployments,
      PackageStore packages,
      PollWaiters waiters,
      RefusedConnections refused,
      Clock clock,
      Duration onlineWindow,
      String minimumTentacleVersion,
      ServerCertificates serverCertificates,
      ServerNodeStore nodes,
      String nodeName) {}

  /**
   * @param tls the server's certificate, asked for on every new connection so that an activated one
   *     is presented without a restart
   */
  public static WebServer start(
      TlsProvider tls,
      Parts parts,
      Duration handshakeTimeout,
      ScheduledExecutorService workers,
      MeterRegistry metrics) {
    JsonMapper json =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    Problems problems = new Problems(json, parts.database());
    JsonBodies bodies = new JsonBodies(json);
    JsonResponses responses = new JsonResponses(json);
    ApiKeyAuthorizer authorizer =
        new ApiKeyAuthorizer(
            parts.apiKeys(),
            parts.sessions(),
            parts.registrationTokens(),
            parts.audit(),
            problems,
            parts.clock());
    LoginGate logins = new LoginGate(parts.clock(), problems);

    ServerBuilder builder =
        Server.builder()
            // The built-in router sends a PROXY header first: the client's own address, which the
            // login budget is kept by.
            .port(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                SessionProtocol.PROXY,
                SessionProtocol.HTTPS)
            .tlsProvider(tls)
            .childChannelPipelineCustomizer(new HandshakeDeadline(handshakeTimeout))
            .maxRequestLength(MAX_REQUEST_BYTES)
            .idleTimeout(IDLE_TIMEOUT)
            .errorHandler(problems.forRefusedRequests())
            .decorator(new ResponseRules(problems))
            .blockingTaskExecutor(workers, false)
            // The server's registry, for the request meters below; Armeria's own meters (among them
            // TLS gauges the polling listener would register too) are filtered out of it.
            .meterRegistry(metrics)
            .decorator(
                MetricCollectingService.newDecorator(
                    MeterIdPrefixFunction.ofDefault("cuttle.http.server")))
            .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(2))
            // Problems logs unexpected failures with their stacks; browsers leaving is routine.
            .unloggedExceptionsReportInterval(Duration.ZERO);
    // Open to anyone: whether the server is up (answered on the event loop, from memory, so that
    // callers stuck on a hung database cannot hold it up), and signing in.
    builder
        .annotatedService()
        .pathPrefix("/api")
        .exceptionHandlers(problems)
        .build(new ServerApi(parts.info(), parts.database(), responses));
    builder
        .annotatedService()
        .pathPrefix("/api")
        .exceptionHandlers(problems)
        .useBlockingTaskExecutor(true)
        .build(
            new SessionApi(
                parts.users(),
                parts.sessions(),
                parts.passwords(),
                parts.audit(),
                parts.clock(),
                bodies,
                responses,
                logins));
    // Everything else goes through the one authorization policy: add new services here.
    for (Object guarded :
        List.of(
            new TentacleApi(
                parts.tentacles(),
                parts.registrations(),
                parts.healthChecks(),
                parts.waiters(),
                parts.refused(),
                parts.clock(),
                parts.onlineWindow(),
                parts.minimumTentacleVersion(),
                bodies,
                responses),
            new TaskApi(
                parts.engine(),
                parts.tasks(),
                new TaskLogStream(parts.tasks(), workers, json, parts.clock()),
                bodies,
                responses),
            new RegistrationTokenApi(parts.registrationTokens(), parts.clock(), bodies, responses),
            new UserApi(
                parts.users(),
                parts.passwords(),
                parts.sessions(),
                parts.clock(),
                bodies,
                responses),
            new ApiKeyApi(parts.apiKeys(), parts.users(), parts.clock(), bodies, responses),
            new AuditApi(parts.audit(), responses),
            new EnvironmentApi(parts.environments(), bodies, responses),
            new ProjectApi(parts.projects(), parts.deployments(), bodies, responses),
            new DeploymentApi(parts.deployments(), bodies, responses),
            new ServerCertificateApi(parts.serverCertificates(), responses),
            new NodeApi(parts.nodes(), parts.nodeName(), parts.clock(), responses))) {
      builder
          .annotatedService()
          .pathPrefix("/api")
          .decorator(authorizer)
          .exceptionHandlers(problems)
          .useBlockingTaskExecutor(true)
          .build(guarded);
    }
    // Packages are far larger than any other request, and streamed, never held whole:
    // PackageStore enforces its own limit while it writes them to disk.
    builder
        .annotatedService()
        .pathPrefix("/api")
        .decorator(authorizer)
        .exceptionHandlers(problems)
        .useBlockingTaskExecutor(true)
        .maxRequestLength(0)
        .requestTimeout(PACKAGE_UPLOAD_TIMEOUT)
        .build(new PackageApi(parts.packages(), parts.engine(), parts.clock(), bodies, responses));
    Server server =
        builder
            // Armeria's own page listing every API operation, read from the services above.
            .serviceUnder("/docs", new DocService())
            .serviceUnder(
                "/",
                FileService.builder(WebServer.class.getClassLoader(), "io/cuttle/server/web/static")
                    .build())
            .build();
    server.start().join();
    return new WebServer(server, logins);
  }

  public int port() {
    return server.activeLocalPort(SessionProtocol.HTTPS);
  }

  @Override
  public CompletableFuture<?> closeAsync() {
    return server.closeAsync().whenComplete((done, failure) -> logins.close());
  }
}
