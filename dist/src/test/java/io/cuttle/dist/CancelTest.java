package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.client.ApiException;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Cancellation and timeouts end to end: a real server, real tentacles on loopback, real scripts.
 * Each script records the pids of a child and a grandchild it starts, so the tests can check that
 * nothing it started outlives it.
 */
@Timeout(120)
class CancelTest {

  /** A script that starts a child, which starts a grandchild, then waits; all write their pids. */
  private static String treeScript(Path pids, Path runs) {
    return String.join(
        "\n",
        "echo run >> '" + runs + "'",
        "echo $$ >> '" + pids + "'",
        "bash -c 'sleep 300 & echo $! >> \"" + pids + "\"; sleep 300' &",
        "echo $! >> '" + pids + "'",
        "echo started",
        "sleep 300",
        "wait");
  }

  private record Run(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {}

  /** Runs the command line on its own thread; StringWriter is thread-safe, so out can be read. */
  private static Run cuttleInBackground(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> {
              CommandLine commandLine = Cuttle.commandLine();
              commandLine.setOut(new PrintWriter(out, true));
              commandLine.setErr(new PrintWriter(err, true));
              return commandLine.execute(args);
            });
    return new Run(exit, out, err);
  }

  /** The arguments with the server options put after the subcommand (its first word or two). */
  private static String[] withServer(TestFleet fleet, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(
        args[0].equals("task") ? 2 : 1,
        List.of("--server", fleet.server.info().webUrl(), "--api-key", fleet.server.adminApiKey()));
    return all.toArray(String[]::new);
  }

  private static void awaitAllDead(Path pids) throws Exception {
    List<Long> all = Files.readAllLines(pids).stream().map(s -> Long.parseLong(s.trim())).toList();
    assertThat(all).hasSize(3);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(all)
                    .as("script, child and grandchild")
                    .allMatch(pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)));
  }

  @Test
  void cancellingARunningScriptKillsItsWholeTreeAndTheTaskEndsCancelled(@TempDir Path dir)
      throws Exception {
    Path pids = dir.resolve("pids");
    Path runs = dir.resolve("runs");
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleAgent agent = fleet.start(fleet.register("busy-1", true));
      Run script =
          cuttleInBackground(
              withServer(fleet, "script", "--tentacle", "busy-1", "--", treeScript(pids, runs)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 3);
      Matcher id = Pattern.compile("Task (K-\\S+):").matcher(script.out().toString());
      assertThat(id.find()).as(script.out().toString()).isTrue();
      String taskId = id.group(1);

      Run cancel = cuttleInBackground(withServer(fleet, "task", "cancel", taskId));

      assertThat(cancel.exit().get()).as(cancel.out() + "" + cancel.err()).isZero();
      assertThat(cancel.out().toString()).contains("Task " + taskId);
      awaitAllDead(pids);
      assertThat(script.exit().get()).as(script.out() + "" + script.err()).isEqualTo(1);
      assertThat(script.out().toString())
          .contains("[busy-1 | via router] started")
          .contains("  cancelled: the tentacle killed the script and everything it started")
          .contains("Task cancelled.");
      TaskView task = fleet.task(taskId);
      assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
      assertThat(task.targets().get(0).state()).isEqualTo(CommandState.CANCELLED);
      try (ApiClient api = fleet.api()) {
        assertThat(api.cancel(taskId).state()).as("again: harmless").isEqualTo(TaskState.CANCELLED);
      }

      // The tentacle's journal holds the outcome: a restart reports, never reruns.
      agent.close();
      fleet.start(fleet.home("busy-1"));
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> Files.readAllLines(runs).size() == 1);
      assertThat(fleet.task(taskId).targets().get(0).state()).isEqualTo(CommandState.CANCELLED);
    }
  }

  @Test
  void cancellingACommandQueuedForAnOfflineTentacleEndsItAtOnceAndItNeverRuns(@TempDir Path dir)
      throws Exception {
    Path ran = dir.resolve("ran");
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.register("offline-1", true);
      TaskView queued = fleet.runScript("touch '" + ran + "'", List.of("offline-1"), 600L);

      TaskView cancelled;
      try (ApiClient api = fleet.api()) {
        cancelled = api.cancel(queued.id());
      }

      assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
      assertThat(cancelled.targets().get(0).state()).isEqualTo(CommandState.CANCELLED);
      assertThat(cancelled.targets().get(0).message()).contains("before its tentacle started it");
      fleet.start(fleet.home("offline-1"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                try (ApiClient api = fleet.api()) {
                  return api.tentacles().get(0).online();
                }
              });
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(4))
          .until(() -> !Files.exists(ran));
    }
  }

  @Test
  void aScriptPastItsTimeoutIsKilledWithItsTreeAndSaysSo(@TempDir Path dir) throws Exception {
    Path pids = dir.resolve("pids");
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("slow-1", false));

      Run script =
          cuttleInBackground(
              withServer(
                  fleet,
                  "script",
                  "--tentacle",
                  "slow-1",
                  "--timeout",
                  "2",
                  "--",
                  treeScript(pids, dir.resolve("runs"))));

      assertThat(script.exit().get()).as(script.out() + "" + script.err()).isEqualTo(1);
      assertThat(script.out().toString())
          .contains("FAILED: timed out after 2 s")
          .contains("killed with everything it started");
      awaitAllDead(pids);

      // A task that ended on its own has nothing to cancel, and says so.
      String taskId = script.out().toString().lines().findFirst().orElseThrow().split("[ :]")[1];
      Run cancel = cuttleInBackground(withServer(fleet, "task", "cancel", taskId));
      assertThat(cancel.exit().get()).isEqualTo(1);
      assertThat(cancel.err().toString()).contains("already finished (FAILED)");
      try (ApiClient api = fleet.api()) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.cancel("K-nope"))
            .isInstanceOf(ApiException.class)
            .hasMessageContaining("no task 'K-nope'");
      }
    }
  }
}
