package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.wire.api.TentacleView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code cuttle script} says while it follows a task: which tentacles are offline, what the
 * task still waits for, the one name of each route, and that a server going away mid-task costs a
 * notice, not the task's outcome.
 */
@Timeout(180)
class TaskFollowingTest {

  @Test
  void anOfflineTargetIsNamedAtOnceThenProgressLinesFollowAndRoutesHaveOneName(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("awake", true));
      fleet.start(fleet.register("legacy-1", false));
      fleet.register("asleep", true); // registered, never started: offline
      String server = fleet.server.info().webUrl();
      String key = fleet.server.adminApiKey();

      Run run =
          cuttle(
              "script",
              "--server",
              server,
              "--api-key",
              key,
              "--tentacle",
              "awake",
              "--tentacle",
              "legacy-1",
              "--tentacle",
              "asleep",
              "--pickup-timeout",
              "5",
              "--progress-every",
              "1",
              "--",
              "echo hi from $CUTTLE_TENTACLE_NAME");

      assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
      List<String> lines = run.out().lines().toList();
      assertThat(lines.get(0)).startsWith("Task K-");
      assertThat(lines.get(1))
          .as("said at once, before any output")
          .isEqualTo(
              "Offline now: asleep. It collects the task when it returns, within the pickup"
                  + " timeout; waiting.");
      assertThat(run.out())
          .containsPattern("Still waiting after \\d+ s: not started on asleep \\(offline\\)\\.")
          .contains("[awake    | via router] hi from awake")
          .contains("[legacy-1 | via legacy port] hi from legacy-1")
          .containsPattern("\\n  awake +via router +succeeded")
          .containsPattern("\\n  legacy-1 +via legacy port +succeeded")
          .containsPattern("\\n  asleep +- +FAILED: tentacle 'asleep' did not collect")
          .doesNotContain("443-style", "not collected  ");

      // The same words in the fleet list, and one version for server and tentacles.
      Run fleetList = cuttle("fleet", "list", "--server", server, "--api-key", key);
      String version = fleet.server.info().version();
      assertThat(fleetList.out())
          .containsPattern("awake +ONLINE +version " + Pattern.quote(version) + " +via router from")
          .containsPattern(
              "legacy-1 +ONLINE +version " + Pattern.quote(version) + " +via legacy port from");
      try (ApiClient api = fleet.api()) {
        assertThat(api.tentacles())
            .filteredOn(TentacleView::online)
            .extracting(TentacleView::version)
            .containsOnly(version);
      }
    }
  }

  @Test
  void aServerRestartMidTaskCostsANoticeNotTheOutcomeAndNoLineIsLostOrRepeated(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("steady", true));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      // The script waits for the restart to be over before it writes its last lines.
      Path gate = dir.resolve("restarted");
      String script =
          "for i in 1 2 3; do echo line-$i; done; while [ ! -f '"
              + gate
              + "' ]; do sleep 0.2; done; for i in 4 5 6; do echo line-$i; done";
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () -> {
                CommandLine commandLine = Cuttle.commandLine();
                commandLine.setOut(new PrintWriter(out, true));
                commandLine.setErr(new PrintWriter(err, true));
                return commandLine.execute(
                    "script",
                    "--server",
                    fleet.server.info().webUrl(),
                    "--api-key",
                    fleet.server.adminApiKey(),
                    "--tentacle",
                    "steady",
                    "--",
                    script);
              });
      await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("line-3"));

      fleet.server.close();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> err.toString().contains("Lost the connection to the server"));
      fleet.startServer();
      java.nio.file.Files.writeString(gate, "go");

      assertThat(exit.get()).as(out + "\n" + err).isZero();
      assertThat(err.toString())
          .contains("the task goes on there")
          .contains("Reconnected to the server; following the task on.");
      List<String> printed =
          out.toString().lines().filter(l -> l.startsWith("[steady | via router] line-")).toList();
      assertThat(printed)
          .as("each line once, in order, across the restart")
          .containsExactly(
              "[steady | via router] line-1",
              "[steady | via router] line-2",
              "[steady | via router] line-3",
              "[steady | via router] line-4",
              "[steady | via router] line-5",
              "[steady | via router] line-6");
      assertThat(out.toString()).contains("All targets succeeded.");

      // A task can be followed again from its start, by id, as the give-up message says.
      java.util.regex.Matcher id = Pattern.compile("Task (K-\\S+):").matcher(out.toString());
      assertThat(id.find()).isTrue();
      Run again =
          cuttle(
              "task",
              "watch",
              id.group(1),
              "--server",
              fleet.server.info().webUrl(),
              "--api-key",
              fleet.server.adminApiKey());
      assertThat(again.exitCode()).as(again.err()).isZero();
      assertThat(again.out().lines().filter(l -> l.startsWith("[steady | via router] line-")))
          .hasSize(6);
      assertThat(again.out()).contains("All targets succeeded.");
    }
  }
}
