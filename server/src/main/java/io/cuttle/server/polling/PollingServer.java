package io.cuttle.server.polling;

import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerTlsConfig;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.cuttle.common.net.Cidr;
import io.cuttle.server.HandshakeDeadline;
import io.cuttle.server.Listeners;
import io.cuttle.server.data.Cancellations;
import io.cuttle.server.data.CommandLog;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.identity.ServerIdentities;
import io.cuttle.server.identity.SwitchingTlsProvider;
import io.cuttle.server.packages.PackageStore;
import io.grpc.Codec;
import io.grpc.DecompressorRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The polling listener: gRPC over mutual TLS. It listens on up to three doors: the legacy polling
 * port, open to the network; a loopback-only port that the built-in router forwards polling traffic
 * to, with a PROXY v2 header carrying the tentacle's real address; and, when configured ({@link
 * #openRoutedDoor}), a routed port for an external router, which speaks PROXY too but only to the
 * peers it is told to trust. The door a call came through is how the server tells "via router" from
 * "via legacy port" ({@link io.cuttle.wire.api.Route}).
 */
public final class PollingServer implements Listeners.Listener {
  private final Server server;
  private final Parts parts;
  private final int legacyPort;
  private final int routedPort;
  private final AtomicInteger publicPort;

  private PollingServer(Server server, Parts parts, AtomicInteger publicPort) {
    this.server = server;
    this.parts = parts;
    this.publicPort = publicPort;
    this.legacyPort = portWhere(server, false);
    this.routedPort = portWhere(server, true);
  }

  /** Settings the polling listener needs beyond its collaborators. */
  public record Settings(
      InetSocketAddress legacyAddress,
      Duration pollWait,
      Duration redeliverAfter,
      Duration handshakeTimeout,
      Duration idleTimeout,
      Clock clock) {}

  public static PollingServer start(
      Settings settings,
      ServerIdentities identities,
      TentacleStore tentacles,
      TaskStore tasks,
      CommandQueue queue,
      CommandLog log,
      PackageStore packages,
      PollWaiters waiters,
      RefusedConnections refused,
      DatabaseAvailability database,
      ScheduledExecutorService workers) {
    PollingContext context =
        new PollingContext(
            queue,
            log,
            new Cancellations(tasks.jdbi(), tasks.events()),
            waiters,
            workers,
            workers,
            settings.clock(),
            settings.pollWait(),
            settings.redeliverAfter(),
            identities,
            new ConnectedTentacles());
    Parts parts =
        new Parts(
            settings,
            identities,
            new SwitchingTlsProvider(identities),
            tentacles,
            tasks,
            packages,
            context,
            refused,
            database,
            workers,
            new TurnsPerTentacle(PollingService.MAX_PROGRESS_BATCHES_PER_TENTACLE),
            new TurnsPerTentacle(PackageChunks.MAX_PER_TENTACLE),
            new UnknownPeerLimits(
                thumbprint -> tentacles.findByThumbprint(thumbprint).map(TentacleRecord::id),
                workers,
                settings.clock()));
    waiters.whenRevoked(parts.unknownPeers()::revoke);

    AtomicInteger routedPort = new AtomicInteger(-1);
    AtomicInteger publicPort = new AtomicInteger(-1);
    // Until the loopback routed port's number is known, every connection to a loopback address is
    // held to the loopback rule: it fails closed for the routed door and costs the legacy door
    // nothing, since a peer reaching a loopback address is on this machine.
    Predicate<Channel> toRoutedPort =
        channel -> {
          InetSocketAddress local = (InetSocketAddress) channel.localAddress();
          int routed = routedPort.get();
          return routed < 0 ? local.getAddress().isLoopbackAddress() : local.getPort() == routed;
        };
    Server server =
        parts.build(
            Server.builder()
                .port(settings.legacyAddress(), SessionProtocol.HTTPS)
                .port(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    SessionProtocol.PROXY,
                    SessionProtocol.HTTPS),
            port -> port == routedPort.get(),
            ConnectedTentacles.Door.BUILTIN_ROUTER,
            new TrustedSourceGate(
                "built-in router's polling port",
                toRoutedPort,
                TrustedSourceGate.LOOPBACK,
                refused,
                settings.clock()),
            // An admin knows the public port the router listens on, not the loopback port behind.
            channel ->
                toRoutedPort.test(channel)
                    ? (publicPort.get() < 0
                        ? "built-in router"
                        : "public port " + publicPort.get() + " (built-in router)")
                    : "legacy polling port " + localPort(channel));
    server.start().join();
    routedPort.set(portWhere(server, true));

    return new PollingServer(server, parts, publicPort);
  }

  /** The public port the built-in router forwards from, for the words of refused connections. */
  public void publicPortIs(int port) {
    publicPort.set(port);
  }

  private static int localPort(Channel channel) {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * Opens the door for an external router (a standalone {@code cuttle router}, HAProxy): PROXY v1
   * or v2, then TLS, accepted only from {@code trustedProxies}. It is an Armeria server of its own,
   * so its trust list applies to every connection it accepts, with no port bookkeeping.
   */
  public RoutedDoor openRoutedDoor(InetSocketAddress address, List<Cidr> trustedProxies) {
    Server door =
        parts.build(
            Server.builder().port(address, SessionProtocol.PROXY, SessionProtocol.HTTPS),
            port -> true,
            ConnectedTentacles.Door.EXTERNAL_ROUTER,
            new TrustedSourceGate(
                "routed polling port",
                channel -> true,
                trustedProxies,
                parts.refused(),
                parts.settings().clock()),
            channel -> "routed polling port " + localPort(channel));
    try {
      door.start().join();
    } catch (RuntimeException e) {
      door.closeAsync(); // e.g. the port is taken: release what did start
      throw e;
    }
    return new RoutedDoor(door);
  }

  /** The routed polling port for an external router. */
  public static final class RoutedDoor implements Listeners.Listener {
    private final Server server;

    private RoutedDoor(Server server) {
      this.server = server;
    }

    public int port() {
      return server.activeLocalPort();
    }

    @Override
    public CompletableFuture<?> closeAsync() {
      return server.closeAsync();
    }
  }

  /** The largest polling message a tentacle may send: a log batch, a result, a certificate. */
  private static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  /**
   * What one tentacle's connection needs at once: up to 16 held polls and one call for each of up
   * to 64 running commands (TentacleConfig's limits), with room for a check or a certificate call.
   * Armeria's default is unlimited, which let one peer hold thousands of answers in the heap.
   */
  static final int MAX_STREAMS_PER_CONNECTION = 100;

  /** What every door shares: the service, its authentication, TLS and timeouts. */
  private record Parts(
      Settings settings,
      ServerIdentities identities,
      SwitchingTlsProvider tls,
      TentacleStore tentacles,
      TaskStore tasks,
      PackageStore packages,
      PollingContext context,
      RefusedConnections refused,
      DatabaseAvailability database,
      ScheduledExecutorService workers,
      TurnsPerTentacle progressInFlight,
      TurnsPerTentacle chunksInFlight,
      UnknownPeerLimits unknownPeers) {

    Server build(
        ServerBuilder ports,
        IntPredicate isRoutedPort,
        ConnectedTentacles.Door routerDoor,
        TrustedSourceGate gate,
        Function<Channel, String> doorOf) {
      // One service per Armeria server: a service instance is bound to the server it is added to.
      GrpcService grpc =
          GrpcService.builder()
              .addService(
                  new PollingService(
                      context,
                      tentacles,
                      tasks,
                      packages,
                      progressInFlight,
                      chunksInFlight,
                      routerDoor))
              .intercept(
                  new TentacleAuthenticator(
                      tentacles, refused, unknownPeers, isRoutedPort, settings.clock()))
              .useBlockingTaskExecutor(true)
              .exceptionHandler(new PollingFailures(database))
              .maxRequestMessageLength(MAX_MESSAGE_BYTES)
              // Uncompressed messages only: tentacles never compress, and a 7 KB gzip bomb would
              // cost the server 8 MiB of heap per stream, a thousandfold what it cost the peer.
              .decompressorRegistry(
                  DecompressorRegistry.emptyInstance().with(Codec.Identity.NONE, false))
              .build();
      Duration longestCall = settings.pollWait().plusSeconds(30);
      Function<HttpService, HttpService> unknownPeerGate =
          delegate -> new UnknownPeerGate(delegate, unknownPeers, refused, settings.clock());
      return ports
          .childChannelPipelineCustomizer(
              gate.andThen(new HandshakeDeadline(settings.handshakeTimeout()))
                  .andThen(new RefusedHandshakes(doorOf, refused, settings.clock()))
                  .andThen(unknownPeers))
          // Any certificate, or none, may finish the handshake: without one, a browser or curl gets
          // the ListenerPage instead of a handshake failure to puzzle over. UnknownPeerLimits then
          // keeps such a peer to a few KiB, UnknownPeerGate refuses its calls on their headers, and
          // TentacleAuthenticator decides which tentacle each other call comes from.
          .tlsProvider(
              tls,
              ServerTlsConfig.builder()
                  .clientAuth(ClientAuth.OPTIONAL)
                  .tlsCustomizer(
                      builder -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE))
                  .build())
          .decorator(
              new RetiredCertificateDrain(() -> identities.current().certificate(), longestCall))
          .requestTimeout(longestCall)
          .idleTimeout(settings.idleTimeout())
          .http2MaxStreamsPerConnection(MAX_STREAMS_PER_CONNECTION)
          .pingInterval(Duration.ofSeconds(30))
          // A unary call is read whole before gRPC looks at it, so this limit must be the larger:
          // an oversized message then gets gRPC's RESOURCE_EXHAUSTED, not a bare HTTP 413 that a
          // gRPC client can only report as UNKNOWN.
          .maxRequestLength(2L * MAX_MESSAGE_BYTES)
          .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(2))
          // PollingFailures logs what matters; cancelled polls are routine, not to be reported.
          .unloggedExceptionsReportInterval(Duration.ZERO)
          .blockingTaskExecutor(workers, false)
          // One registry per server: they present the same certificate, whose gauges would clash.
          .meterRegistry(new SimpleMeterRegistry())
          // The gate decorates each service rather than the server, so that Armeria takes its
          // exchange type (every request a stream) and shows it the headers before any body.
          .service(grpc, unknownPeerGate)
          .service(
              "/",
              new ListenerPage(() -> identities.current().thumbprint()).decorate(unknownPeerGate))
          .build();
    }
  }

  private static int portWhere(Server server, boolean proxied) {
    return server.activePorts().values().stream()
        .filter(p -> p.hasProxyProtocol() == proxied)
        .mapToInt(p -> p.localAddress().getPort())
        .findFirst()
        .orElseThrow();
  }

  /** The tentacles holding a poll on this node now, by the door they came through. */
  public ConnectedTentacles connectedTentacles() {
    return parts.context().connected();
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
