package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskLog;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.ProgressLimits;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.ProgressReport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tentacle flooding log lines: a batch over the server's limits is refused whole, naming the
 * limit, and stores nothing; a script printing far more than the server's cap on stored output
 * leaves one marker line after what fits, its result is recorded, and its tentacle and the others
 * go on running commands.
 */
@Timeout(300)
class LogFloodTest {
  private static final long CAP_BYTES = 64 * 1024;
  private static final String FLOOD_LINE = "flood line";

  @Test
  void batchesOverTheLimitsAreRefusedNamingTheLimitAndStoreNothing(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("flooder", true);
      TaskView task = fleet.runScript("echo queued", List.of("flooder"), 600L);
      String commandId = task.targets().get(0).commandId();
      try (TentacleCaller flooder = new TentacleCaller(fleet, home, Duration.ofSeconds(60))) {
        ProgressReport tooManyLines =
            batch(flooder, commandId, ProgressLimits.MAX_LINES_PER_BATCH + 1, "x");
        // Two bytes a character in UTF-8: over the text limit, within the 8 MiB message limit.
        ProgressReport tooManyBytes = batch(flooder, commandId, 300, "é".repeat(8000));
        ProgressReport tooLongLine =
            batch(flooder, commandId, 1, "x".repeat(ProgressLimits.MAX_LINE_CHARS + 1));

        assertThat(refusal(flooder, tooManyLines))
            .isEqualTo(
                "a progress batch holds at most 1000 lines but this one has 1001;"
                    + " send them in several batches");
        assertThat(refusal(flooder, tooManyBytes))
            .isEqualTo(
                "a progress batch holds at most 4194304 bytes of text but this one has"
                    + " 4800000; send the lines in several batches");
        assertThat(refusal(flooder, tooLongLine))
            .isEqualTo(
                "line 1 has 16385 characters (expected: at most 16384); cut longer lines"
                    + " into parts");
      }
      assertThat(fleet.task(task.id()).targets().get(0).state()).isEqualTo(CommandState.QUEUED);

      // Had any refused line been stored, the agent's own line 1 would be taken for a resend.
      fleet.start(home);
      assertThat(fleet.follow(task.id())).extracting(LogEntry::text).containsExactly("queued");
      assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
    }
  }

  @Test
  void outputOverTheCapEndsInOneMarkerWhileTheResultAndOtherTentaclesCarryOn(@TempDir Path dir)
      throws Exception {
    Path flooded = dir.resolve("flooded");
    Path release = dir.resolve("release");
    // Far more than the cap, then a wait the test ends: the command is still running while the
    // other tentacle's command runs. The wait is bounded (two minutes) like every loop here.
    String flood =
        """
        yes '%s' | head -n 1000000
        touch '%s'
        for i in $(seq 1 1200); do [ -e '%s' ] && break; sleep 0.1; done
        echo 'printed after the cap'
        """
            .formatted(FLOOD_LINE, flooded, release);
    try (TestFleet fleet = new TestFleet(dir, b -> b.maxCommandOutputBytes(CAP_BYTES))) {
      TentacleHome flooder = fleet.register("flooder", true);
      TentacleHome quiet = fleet.register("quiet", true);
      fleet.start(flooder);
      fleet.start(quiet);

      TaskView flooding = fleet.runScript(flood, List.of("flooder"), 600L);
      await("the script printed its flood")
          .atMost(Duration.ofSeconds(120))
          .until(() -> Files.exists(flooded));
      await("the marker stored")
          .atMost(Duration.ofSeconds(60))
          .until(() -> lastText(storedLog(fleet, flooding.id())).startsWith("output truncated"));

      TaskView meanwhile = fleet.runScript("echo quiet", List.of("quiet"), 600L);
      assertThat(fleet.follow(meanwhile.id())).extracting(LogEntry::text).containsExactly("quiet");
      assertThat(fleet.task(meanwhile.id()).state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(fleet.task(flooding.id()).state())
          .as("the flooding command, still waiting to be released")
          .isEqualTo(TaskState.RUNNING);

      Files.createFile(release);
      List<LogEntry> log = fleet.follow(flooding.id());
      assertThat(fleet.task(flooding.id()).state()).isEqualTo(TaskState.SUCCEEDED);
      List<LogEntry> kept = log.subList(0, log.size() - 1);
      assertThat(kept).extracting(LogEntry::text).containsOnly(FLOOD_LINE);
      long keptBytes = kept.size() * (FLOOD_LINE.length() + 1L);
      assertThat(keptBytes).isLessThanOrEqualTo(CAP_BYTES).isGreaterThan(CAP_BYTES - 11);
      assertThat(log.get(log.size() - 1))
          .satisfies(
              marker -> {
                assertThat(marker.sequence()).isEqualTo(kept.size() + 1L);
                assertThat(marker.stream()).isEqualTo("stderr");
                assertThat(marker.text())
                    .isEqualTo(
                        "output truncated: more than 65536 bytes of output; the rest was dropped"
                            + " (the server keeps at most that much per command: cuttle server"
                            + " --max-command-output-mb)");
              });

      TaskView next = fleet.runScript("echo again", List.of("flooder"), 600L);
      assertThat(fleet.follow(next.id())).extracting(LogEntry::text).containsExactly("again");
    }
  }

  private static ProgressReport batch(
      TentacleCaller caller, String commandId, int lines, String text) {
    return ProgressReport.newBuilder()
        .setTentacleId(caller.tentacleId)
        .setCommandId(commandId)
        .addAllLines(
            LongStream.rangeClosed(1, lines)
                .mapToObj(
                    i ->
                        LogLine.newBuilder()
                            .setSequence(i)
                            .setStream(LogLine.Stream.STDOUT)
                            .setText(text)
                            .build())
                .toList())
        .build();
  }

  private static String refusal(TentacleCaller caller, ProgressReport report) {
    StatusRuntimeException refused =
        catchThrowableOfType(
            () -> caller.polling.reportProgress(report), StatusRuntimeException.class);
    assertThat(refused).as("the batch was refused").isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return refused.getStatus().getDescription();
  }

  /** Every line stored so far, without waiting for the task to finish. */
  private static List<LogEntry> storedLog(TestFleet fleet, String taskId) {
    List<LogEntry> lines = new ArrayList<>();
    try (ApiClient api = fleet.api()) {
      long after = 0;
      // Bounded: far more pages than the capped log fills.
      for (int page = 0; page < 10_000; page++) {
        TaskLog next = api.log(taskId, after);
        if (next.lines().isEmpty()) {
          return lines;
        }
        lines.addAll(next.lines());
        after = next.next();
      }
    }
    throw new AssertionError("the log of task " + taskId + " did not end");
  }

  private static String lastText(List<LogEntry> log) {
    return log.isEmpty() ? "" : log.get(log.size() - 1).text();
  }
}
