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

/**
 * The tentacle's one mutually authenticated TLS connection to its polling endpoint. The tentacle
 * presents its own certificate and trusts only the server thumbprint it pinned at registration;
 * when the server presents another, the mismatch is kept so the agent can say what it saw.
 */
final class PollingConnection implements AutoCloseable {
  private final ClientFactory factory;
  private final AtomicReference<Thumbprint> mismatch = new AtomicReference<>();
  final ProxyTunnels tunnels;
  final PollingServiceGrpc.PollingServiceFutureStub polls;
  final PollingServiceGrpc.PollingServiceBlockingStub calls;

  PollingConnection(
      String pollingUrl,
      Identity identity,
      Thumbprint pinned,
      Duration pollWait,
      ProxyPolicy proxies) {
    this.tunnels = new ProxyTunnels(proxies);
    // A CONNECT tunnel carries the same TLS: the pinning below works through it unchanged.
    this.factory =
        tunnels
            .applyTo(AlpnMarker.offerPolling(ClientFactory.builder()))
            .tls(identity.privateKey(), identity.certificate())
            .tlsCustomizer(
                tls ->
                    tls.trustManager(
                        new PinnedTrustManager(
                            Set.of(pinned), (seen, expected) -> mismatch.set(seen))))
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
            .build(PollingServiceGrpc.PollingServiceFutureStub.class);
    this.calls =
        GrpcClients.builder(pollingUrl)
            .factory(factory)
            .responseTimeout(Duration.ofSeconds(60))
            .maxResponseLength(16 * 1024 * 1024)
            .build(PollingServiceGrpc.PollingServiceBlockingStub.class);
  }

  /** The thumbprint a server presented that did not match the pin, if that happened. */
  Thumbprint takeMismatch() {
    return mismatch.getAndSet(null);
  }

  @Override
  public void close() {
    factory.close();
  }
}
