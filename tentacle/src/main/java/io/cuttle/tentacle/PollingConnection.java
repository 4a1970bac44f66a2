package io.cuttle.tentacle;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.client.proxy.ProxyTunnels;
import io.cuttle.common.net.LoopbackAwareResolverGroup;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PinnedTrustManager;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The tentacle's one mutually authenticated TLS connection to its polling endpoint. The tentacle
 * presents its own certificate and trusts only the server thumbprints it pinned; when the server
 * presents another, the mismatch is kept so the agent can say what it saw.
 *
 * <p>The key presented and the pins trusted can change while the tentacle runs ({@link #switchTo}),
 * for certificate rotation: the stubs below stay the same objects, so code holding them needs no
 * change, while calls started from then on go over a new connection.
 */
final class PollingConnection implements AutoCloseable {
  private final String pollingUrl;
  private final Duration pollWait;
  private final AtomicReference<Thumbprint> mismatch = new AtomicReference<>();
  private final Consumer<Thumbprint> onServerPresented;
  private final SwitchingChannel pollChannel;
  private final SwitchingChannel callChannel;
  private Link link;
  final ProxyTunnels tunnels;
  final PollingServiceGrpc.PollingServiceFutureStub polls;
  final PollingServiceGrpc.PollingServiceBlockingStub calls;

  PollingConnection(
      String pollingUrl,
      Identity identity,
      Thumbprint pinned,
      Duration pollWait,
      ProxyPolicy proxies) {
    this(pollingUrl, identity, Set.of(pinned), pollWait, proxies);
  }

  PollingConnection(
      String pollingUrl,
      Identity identity,
      Set<Thumbprint> pinned,
      Duration pollWait,
      ProxyPolicy proxies) {
    this(pollingUrl, identity, pinned, pollWait, proxies, presented -> {});
  }

  /**
   * A connection that tells {@code onServerPresented} which pin the server presented on each new
   * TLS connection (from a network thread: it must be quick).
   */
  PollingConnection(
      String pollingUrl,
      Identity identity,
      Set<Thumbprint> pinned,
      Duration pollWait,
      ProxyPolicy proxies,
      Consumer<Thumbprint> onServerPresented) {
    this.onServerPresented = onServerPresented;
    this.pollingUrl = pollingUrl;
    this.pollWait = pollWait;
    this.tunnels = new ProxyTunnels(proxies);
    this.link = new Link(identity, pinned);
    this.pollChannel = new SwitchingChannel(link.polls, link.inFlight);
    this.callChannel = new SwitchingChannel(link.calls, link.inFlight);
    this.polls = PollingServiceGrpc.newFutureStub(pollChannel);
    this.calls = PollingServiceGrpc.newBlockingStub(callChannel);
  }

  /**
   * Presents {@code identity} and trusts {@code pinned} on every call started from now on. Calls
   * under way finish on the old connection, which is closed once they have (or after a poll's
   * longest wait, whichever comes first), so nothing in flight is cut off.
   */
  synchronized void switchTo(Identity identity, Set<Thumbprint> pinned) {
    Link old = link;
    link = new Link(identity, pinned);
    pollChannel.switchTo(link.polls, link.inFlight);
    callChannel.switchTo(link.calls, link.inFlight);
    old.inFlight.closeWhenIdle(() -> old.factory.closeAsync(), pollWait.plusSeconds(60));
  }

  /** Presents {@code identity} from now on, trusting the same pins. */
  synchronized void switchIdentity(Identity identity) {
    switchTo(identity, link.pins);
  }

  /** Trusts {@code pinned} from now on, presenting the same key. */
  synchronized void switchPins(Set<Thumbprint> pinned) {
    switchTo(link.identity, pinned);
  }

  synchronized Identity identity() {
    return link.identity;
  }

  synchronized Set<Thumbprint> pins() {
    return link.pins;
  }

  /** The thumbprint a server presented that did not match the pin, if that happened. */
  Thumbprint takeMismatch() {
    return mismatch.getAndSet(null);
  }

  @Override
  public synchronized void close() {
    link.factory.close();
  }

  /** One client factory (one connection pool) presenting one key and trusting one set of pins. */
  private final class Link {
    final Identity identity;
    final Set<Thumbprint> pins;
    final ClientFactory factory;
    final io.grpc.Channel polls;
    final io.grpc.Channel calls;
    final InFlightCalls inFlight = new InFlightCalls();

    Link(Identity identity, Set<Thumbprint> pinned) {
      this.identity = identity;
      this.pins = Set.copyOf(pinned);
      // A CONNECT tunnel carries the same TLS: the pinning below works through it unchanged.
      this.factory =
          tunnels
              .applyTo(AlpnMarker.offerPolling(ClientFactory.builder()))
              .tls(identity.privateKey(), identity.certificate())
              .tlsCustomizer(
                  tls ->
                      tls.trustManager(
                          new PinnedTrustManager(
                              pins, (seen, expected) -> mismatch.set(seen), onServerPresented)))
              .addressResolverGroupFactory(eventLoops -> LoopbackAwareResolverGroup.INSTANCE)
              .connectTimeout(Duration.ofSeconds(15))
              // Private meters: several clients in one process would clash on certificate gauges.
              .meterRegistry(new SimpleMeterRegistry())
              .idleTimeout(Duration.ofMinutes(5))
              // A dead link (no FIN, no RST) is noticed within two intervals: well under a minute.
              .pingInterval(Duration.ofSeconds(10))
              .build();
      this.polls =
          GrpcClients.builder(pollingUrl)
              .factory(factory)
              .responseTimeout(pollWait.plusSeconds(30))
              .maxResponseLength(16 * 1024 * 1024)
              .build(PollingServiceGrpc.PollingServiceFutureStub.class)
              .getChannel();
      this.calls =
          GrpcClients.builder(pollingUrl)
              .factory(factory)
              .responseTimeout(Duration.ofSeconds(60))
              .maxResponseLength(16 * 1024 * 1024)
              .build(PollingServiceGrpc.PollingServiceBlockingStub.class)
              .getChannel();
    }
  }
}
