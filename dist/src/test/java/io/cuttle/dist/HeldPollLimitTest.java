package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.cuttle.client.ApiClient;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.PollResponse;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tentacle holding more polls open than the server allows (32, twice what a tentacle may be set
 * to open) gets the extra ones refused at once with RESOURCE_EXHAUSTED saying why, while the ones
 * within the limit stay held.
 */
@Timeout(180)
class HeldPollLimitTest {
  private static final int LIMIT = 32;
  private static final int EXTRA = 8;
  private static final Duration LONG_POLL_WAIT = Duration.ofMinutes(10);

  @Test
  void pollsBeyondTheLimitAreRefusedAndTheOthersStayHeld(@TempDir Path dir) throws Exception {
    try (TestFleet fleet =
        new TestFleet(
            dir, b -> b.pollWait(LONG_POLL_WAIT).silenceTimeout(LONG_POLL_WAIT.plusMinutes(1)))) {
      TentacleHome home = fleet.register("greedy", true);
      try (TentacleCaller greedy = new TentacleCaller(fleet, home, LONG_POLL_WAIT.plusMinutes(1))) {
        PollRequest poll =
            PollRequest.newBuilder()
                .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
                .setTentacleId(greedy.tentacleId)
                .setFreeSlots(1)
                .build();
        List<ListenableFuture<PollResponse>> polls = new ArrayList<>();
        for (int i = 0; i < LIMIT + EXTRA; i++) {
          polls.add(greedy.pollingAsync.poll(poll));
        }

        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> polls.stream().filter(ListenableFuture::isDone).count() >= EXTRA);

        List<Status> refused = statusesOfDone(polls);
        assertThat(refused).hasSize(EXTRA);
        assertThat(refused)
            .allSatisfy(
                status -> {
                  assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                  assertThat(status.getDescription())
                      .contains("tentacle 'greedy' already holds 32 polls open on this server");
                });

        // Deregistering ends the held ones at once, which also shows they were still held.
        try (ApiClient api = fleet.api()) {
          api.deregister("greedy", null);
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> polls.stream().allMatch(ListenableFuture::isDone));
        assertThat(statusesOfDone(polls))
            .filteredOn(status -> status.getCode() == Status.Code.UNAUTHENTICATED)
            .hasSize(LIMIT);
      }
    }
  }

  private static List<Status> statusesOfDone(List<ListenableFuture<PollResponse>> polls)
      throws InterruptedException {
    List<Status> statuses = new ArrayList<>();
    for (ListenableFuture<PollResponse> poll : polls) {
      if (!poll.isDone()) {
        continue;
      }
      try {
        poll.get();
        statuses.add(Status.OK);
      } catch (ExecutionException e) {
        statuses.add(Status.fromThrowable(e.getCause()));
      }
    }
    return statuses;
  }
}
