package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.v1.AcknowledgeRequest;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.ProgressReport;
import io.cuttle.wire.polling.v1.ResultReport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tentacle cannot touch another tentacle's command: acknowledging it, reporting lines for it or
 * reporting its result with its own certificate and id is refused as a command never sent to it,
 * and the command runs as if nothing had happened. (Acting under another tentacle's id is refused
 * in TrustTest; fetching another's package in PackageDeployTest.)
 */
@Timeout(120)
class CommandIsolationTest {

  @Test
  void anotherTentaclesCommandCannotBeAcknowledgedOrReportedAndStaysUntouched(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome target = fleet.register("target", true);
      TentacleHome bystander = fleet.register("bystander", true);
      TaskView task = fleet.runScript("echo from target", List.of("target"), 600L);
      String commandId = task.targets().get(0).commandId();
      String unknown = "no command '" + commandId + "' was sent to this tentacle";

      try (TentacleCaller intruder = new TentacleCaller(fleet, bystander, Duration.ofSeconds(30))) {
        assertRefused(
            () ->
                intruder.polling.acknowledge(
                    AcknowledgeRequest.newBuilder()
                        .setTentacleId(intruder.tentacleId)
                        .setCommandId(commandId)
                        .build()),
            unknown);
        assertRefused(
            () ->
                intruder.polling.reportProgress(
                    ProgressReport.newBuilder()
                        .setTentacleId(intruder.tentacleId)
                        .setCommandId(commandId)
                        .addLines(LogLine.newBuilder().setSequence(1).setText("forged line"))
                        .build()),
            unknown);
        assertRefused(
            () ->
                intruder.polling.reportResult(
                    ResultReport.newBuilder()
                        .setTentacleId(intruder.tentacleId)
                        .setCommandId(commandId)
                        .setOutcome(ResultReport.Outcome.FAILED)
                        .setMessage("forged result")
                        .build()),
            unknown);
      }

      assertThat(fleet.task(task.id()).targets().get(0).state()).isEqualTo(CommandState.QUEUED);
      fleet.start(target);
      await().atMost(Duration.ofSeconds(60)).until(() -> fleet.task(task.id()).state().finished());
      assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(fleet.follow(task.id())).extracting(LogEntry::text).containsExactly("from target");
    }
  }

  private static void assertRefused(Supplier<?> call, String description) {
    StatusRuntimeException refused = catchThrowableOfType(call::get, StatusRuntimeException.class);
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(refused.getStatus().getDescription()).isEqualTo(description);
  }
}
