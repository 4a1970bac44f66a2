package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Withdrawing a tentacle's trust takes effect on the connection it already has: a poll it holds
 * when it is deregistered is refused at once, not answered when the poll wait runs out.
 */
@Timeout(120)
class RevocationTest {
  private static final Duration LONG_POLL_WAIT = Duration.ofMinutes(10);

  @Test
  void deregisteringATentacleRefusesThePollItHoldsAtOnce(@TempDir Path dir) throws Exception {
    try (TestFleet fleet =
        new TestFleet(
            dir, b -> b.pollWait(LONG_POLL_WAIT).silenceTimeout(LONG_POLL_WAIT.plusMinutes(1)))) {
      TentacleHome home = fleet.register("alpha", true);
      try (TentacleCaller alpha = new TentacleCaller(fleet, home, LONG_POLL_WAIT.plusMinutes(1))) {
        CompletableFuture<Object> heldPoll =
            CompletableFuture.supplyAsync(
                () ->
                    alpha.polling.poll(
                        PollRequest.newBuilder()
                            .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
                            .setTentacleId(alpha.tentacleId)
                            .setFreeSlots(1)
                            .build()));
        await().atMost(Duration.ofSeconds(30)).until(() -> isOnline(fleet, "alpha"));

        try (ApiClient api = fleet.api()) {
          api.deregister("alpha", null);
        }

        // Far shorter than the poll wait: only the revocation can have ended the poll.
        ExecutionException ended =
            catchThrowableOfType(
                () -> heldPoll.get(60, TimeUnit.SECONDS), ExecutionException.class);
        assertThat(ended.getCause()).isInstanceOf(StatusRuntimeException.class);
        Status status = ((StatusRuntimeException) ended.getCause()).getStatus();
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status.getDescription())
            .isEqualTo("this tentacle's certificate is not registered with the server");
      }
    }
  }

  private static boolean isOnline(TestFleet fleet, String name) {
    try (ApiClient api = fleet.api()) {
      return api.tentacles().stream().anyMatch(t -> t.name().equals(name) && t.online());
    }
  }
}
