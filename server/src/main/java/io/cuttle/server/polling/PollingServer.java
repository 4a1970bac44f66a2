package io.cuttle.server.polling;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.cuttle.common.pki.Identity;
import io.cuttle.server.Listeners;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The polling listener: gRPC over mutual TLS. It listens on two doors: the legacy polling port,
 * open to the network, and a loopback-only port that the built-in router forwards polling traffic
 * to, with a PROXY v2 header carrying the tentacle's real address. The door a call came through is
 * how the server tells "443-style via router" from "legacy port".
 */
public final class PollingServer implements Listeners.Listener {
  private final Server server;
  private final int legacyPort;
  private final int routedPort;

  private PollingServer(Server server) {
    this.server = server;
    this.legacyPort = portWhere(server, false);
    this.routedPort = portWhere(server, true);
  }

  /** Settings the polling listener needs beyond its collaborators. */
  public record Settings(
      InetSocketAddress legacyAddress, Duration pollWait, Duration redeliverAfter, Clock clock) {}

  public static PollingServer start(
      Settings settings,
      Identity identity,
      TentacleStore tentacles,
      TaskStore tasks,
      CommandQueue queue,
      PollWaiters waiters,
      RefusedConnections refused,
      ScheduledExecutorService workers) {
    AtomicInteger routedPort = new AtomicInteger(-1);
    PollingContext context =
        new PollingContext(
            queue,
            waiters,
            workers,
            workers,
            settings.clock(),
            settings.pollWait(),
            settings.redeliverAfter());
    GrpcService grpc =
        GrpcService.builder()
            .addService(new PollingService(context, tentacles, tasks))
            .intercept(
                new TentacleAuthenticator(
                    tentacles, refused, port -> port == routedPort.get(), settings.clock()))
            .useBlockingTaskExecutor(true)
            .exceptionHandler(new PollingFailures())
            .maxRequestMessageLength(8 * 1024 * 1024)
            .build();
    Server server =
        Server.builder()
            .port(settings.legacyAddress(), SessionProtocol.HTTPS)
            .port(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                SessionProtocol.PROXY,
                SessionProtocol.HTTPS)
            .tls(identity.privateKey(), identity.certificate())
            // Any certificate may finish the handshake; TentacleAuthenticator decides who it is.
            .tlsCustomizer(
                tls ->
                    tls.clientAuth(ClientAuth.REQUIRE)
                        .trustManager(InsecureTrustManagerFactory.INSTANCE))
            .requestTimeout(settings.pollWait().plusSeconds(30))
            .idleTimeout(Duration.ofMinutes(5))
            .pingInterval(Duration.ofSeconds(30))
            .maxRequestLength(8 * 1024 * 1024)
            .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(2))
            // PollingFailures logs what matters; cancelled polls are routine, not to be reported.
            .unloggedExceptionsReportInterval(Duration.ZERO)
            .blockingTaskExecutor(workers, false)
            // One registry per server: both present the same certificate, whose gauges would clash.
            .meterRegistry(new SimpleMeterRegistry())
            .service(grpc)
            .build();
    server.start().join();
    PollingServer polling = new PollingServer(server);
    routedPort.set(polling.routedPort());
    return polling;
  }

  private static int portWhere(Server server, boolean proxied) {
    return server.activePorts().values().stream()
        .filter(p -> p.hasProxyProtocol() == proxied)
        .mapToInt(p -> p.localAddress().getPort())
        .findFirst()
        .orElseThrow();
  }

  public int legacyPort() {
    return legacyPort;
  }

  /** The loopback port the built-in router forwards polling traffic to, with PROXY v2. */
  public int routedPort() {
    return routedPort;
  }

  @Override
  public CompletableFuture<?> closeAsync() {
    return server.closeAsync();
  }
}
