package io.cuttle.dist;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClientBuilder;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.cuttle.common.net.LoopbackAwareResolverGroup;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.PinnedTrustManager;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.grpc.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Raw polling calls made with a registered tentacle's own certificate and id, over the same mutual
 * TLS its agent uses, for tests that send what a well-behaved agent never would.
 */
public final class TentacleCaller implements AutoCloseable {
  public final String tentacleId;
  public final PollingServiceGrpc.PollingServiceBlockingStub polling;
  final PollingServiceGrpc.PollingServiceFutureStub pollingAsync;

  /** The bare channel, for calls with bytes no stub would send. */
  final Channel channel;

  private final ClientFactory factory;

  public TentacleCaller(TestFleet fleet, TentacleHome home, Duration responseTimeout)
      throws IOException {
    TentacleConfig config = TentacleConfig.load(home);
    Identity identity = PemFiles.read(home.directory());
    this.tentacleId = config.tentacleId();
    this.factory =
        ClientFactory.builder()
            .tls(identity.privateKey(), identity.certificate())
            .tlsCustomizer(
                tls ->
                    tls.trustManager(
                        new PinnedTrustManager(
                            Set.of(fleet.server.thumbprint()), (seen, expected) -> {})))
            .addressResolverGroupFactory(eventLoops -> LoopbackAwareResolverGroup.INSTANCE)
            .build();
    GrpcClientBuilder clients =
        GrpcClients.builder(config.pollingUrl()).factory(factory).responseTimeout(responseTimeout);
    this.polling = clients.build(PollingServiceGrpc.PollingServiceBlockingStub.class);
    this.pollingAsync = clients.build(PollingServiceGrpc.PollingServiceFutureStub.class);
    this.channel = polling.getChannel();
  }

  @Override
  public void close() {
    factory.close();
  }
}
