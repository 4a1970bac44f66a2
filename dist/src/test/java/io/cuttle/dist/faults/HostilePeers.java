package io.cuttle.dist.faults;

import static org.awaitility.Awaitility.await;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.dist.RawPollingClient;
import io.cuttle.dist.TestFleet;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.polling.v1.CheckRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile peers the fault soak can add as faults, beside the tentacles it keeps running
 * scripts: a peer without a certificate flooding the polling listener with message bodies, and a
 * registered tentacle in hostile hands that opens calls on a connection reading none of their
 * answers. Each attack is bounded (a few MiB offered, 50 calls) and over within seconds.
 */
final class HostilePeers {
  /** The registered tentacle's name, never started as a tentacle: only these attacks use it. */
  static final String TENTACLE = "hostile";

  private final int port;
  private final Identity tentacle;
  private final String tentacleId;

  HostilePeers(TestFleet fleet) throws IOException {
    TentacleHome home = fleet.register(TENTACLE, true);
    this.port = fleet.legacyPort();
    this.tentacle = PemFiles.read(home.directory());
    this.tentacleId = TentacleConfig.load(home).tentacleId();
  }

  /** Four calls, each sending 4 MiB of an 8 MiB message without a certificate, until cut off. */
  void strangerFloodsBodies() throws Exception {
    try (RawPollingClient stranger = new RawPollingClient(port, null)) {
      List<RawPollingClient.RawCall> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(
            stranger.call("ReportProgress", (8 << 20) - 1024, 4L << 20, new DefaultHttp2Headers()));
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> calls.stream().allMatch(RawPollingClient.RawCall::settled));
    }
  }

  /** 50 calls on a connection whose receive windows stay at zero, held for {@code hold}. */
  void tentacleReadsNothing(Duration hold) throws Exception {
    try (RawPollingClient stalled = RawPollingClient.thatReadsNoAnswers(port, tentacle)) {
      for (int i = 0; i < 50; i++) {
        stalled.unary("Check", CheckRequest.newBuilder().setTentacleId(tentacleId).build());
      }
      Thread.sleep(hold.toMillis());
    }
  }
}
