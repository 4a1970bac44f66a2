package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.PollResponse;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The polling ports' idle timeout closes connections that carry no call (SlowClientsTest), and only
 * those: a poll held far longer than the idle timeout is answered as usual when its wait ends.
 */
@Timeout(120)
class PollingIdleTimeoutTest {
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration POLL_WAIT = IDLE_TIMEOUT.multipliedBy(4);

  @Test
  void aHeldPollOutlastsTheIdleTimeout(@TempDir Path dir) throws Exception {
    try (TestFleet fleet =
        new TestFleet(dir, b -> b.pollWait(POLL_WAIT).pollingIdleTimeout(IDLE_TIMEOUT))) {
      TentacleHome home = fleet.register("patient", true);
      try (TentacleCaller patient = new TentacleCaller(fleet, home, POLL_WAIT.plusSeconds(30))) {
        long started = System.nanoTime();
        PollResponse answer =
            patient.polling.poll(
                PollRequest.newBuilder()
                    .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
                    .setTentacleId(patient.tentacleId)
                    .setFreeSlots(1)
                    .build());
        Duration held = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.hasCommand()).isFalse();
        assertThat(answer.getPollWaitMillis()).isEqualTo(POLL_WAIT.toMillis());
        assertThat(held)
            .as("how long the poll was held")
            .isGreaterThan(IDLE_TIMEOUT.plusSeconds(2));
      }
    }
  }
}
