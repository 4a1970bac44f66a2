package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EndToEndTest {
  private static final String SCRIPT =
      String.join(
          "\n",
          "echo \"first line from $CUTTLE_TENTACLE_NAME\"",
          "echo 'to stderr' >&2",
          "for i in $(seq 1 200); do echo \"line $i\"; done",
          "printf 'ünïcødé ✓\\n'",
          "if [ \"$CUTTLE_TENTACLE_NAME\" = legacy-1 ]; then exit 3; fi");

  @Test
  void scriptRunsOnTentaclesThroughThePublicPortBySniAndThroughTheLegacyPort(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("routed-1", true));
      fleet.start(fleet.register("legacy-1", false));

      TaskView task = fleet.runScript(SCRIPT, List.of("routed-1", "legacy-1"), 60L);
      List<LogEntry> lines = fleet.follow(task.id());
      TaskView finished = fleet.task(task.id());

      Map<String, List<LogEntry>> byTarget =
          lines.stream().collect(Collectors.groupingBy(LogEntry::tentacleName));
      for (String name : List.of("routed-1", "legacy-1")) {
        List<LogEntry> output = byTarget.get(name);
        assertThat(output).hasSize(203);
        assertThat(output)
            .extracting(LogEntry::sequence)
            .containsExactly(
                java.util.stream.LongStream.rangeClosed(1, 203).boxed().toArray(Long[]::new));
        List<String> stdout =
            output.stream().filter(l -> l.stream().equals("stdout")).map(LogEntry::text).toList();
        assertThat(stdout.get(0)).isEqualTo("first line from " + name);
        assertThat(stdout.subList(1, 201))
            .containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 200).mapToObj(i -> "line " + i).toList());
        assertThat(stdout.get(201)).isEqualTo("ünïcødé ✓");
        assertThat(output)
            .filteredOn(l -> l.stream().equals("stderr"))
            .extracting(LogEntry::text)
            .containsExactly("to stderr");
      }

      Map<String, TargetView> targets =
          finished.targets().stream().collect(Collectors.toMap(TargetView::tentacleName, t -> t));
      assertThat(targets.get("routed-1").route()).isEqualTo(Route.ROUTER);
      assertThat(targets.get("routed-1").state()).isEqualTo(CommandState.SUCCEEDED);
      assertThat(targets.get("routed-1").exitCode()).isZero();
      assertThat(targets.get("legacy-1").route()).isEqualTo(Route.LEGACY);
      assertThat(targets.get("legacy-1").state()).isEqualTo(CommandState.FAILED);
      assertThat(targets.get("legacy-1").exitCode()).isEqualTo(3);
      assertThat(targets.get("legacy-1").message()).contains("exited with code 3");
      assertThat(finished.state()).isEqualTo(TaskState.FAILED);

      try (var api = fleet.api()) {
        var views = api.tentacles().stream().collect(Collectors.toMap(t -> t.name(), t -> t));
        assertThat(views.get("routed-1").online()).isTrue();
        assertThat(views.get("routed-1").route()).isEqualTo(Route.ROUTER);
        assertThat(views.get("routed-1").address()).isEqualTo("127.0.0.1");
        assertThat(views.get("legacy-1").route()).isEqualTo(Route.LEGACY);
        assertThat(views.get("legacy-1").version()).isNotBlank();
      }
    }
  }

  @Test
  void commandQueuedWhileTheTentacleIsOfflineRunsWhenItComesOnline(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      var home = fleet.register("late-1", true);
      TaskView task = fleet.runScript("echo ran late", List.of("late-1"), 60L);
      Thread.sleep(1500);
      assertThat(fleet.task(task.id()).targets().get(0).state()).isEqualTo(CommandState.QUEUED);

      fleet.start(home);
      List<LogEntry> lines = fleet.follow(task.id());

      assertThat(lines).extracting(LogEntry::text).containsExactly("ran late");
      assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
    }
  }

  @Test
  void commandQueuedBeforeAServerRestartRunsAfterIt(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      var home = fleet.register("restart-1", false);
      TaskView task = fleet.runScript("echo survived the restart", List.of("restart-1"), 120L);

      fleet.restartServer();
      fleet.start(home);
      List<LogEntry> lines = fleet.follow(task.id());

      assertThat(lines).extracting(LogEntry::text).containsExactly("survived the restart");
      assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
    }
  }

  @Test
  void aTentacleRestartedMidScriptReportsItsFateInsteadOfRunningItAgain(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      var home = fleet.register("restarting-1", true);
      var agent = fleet.start(home);
      Path runs = dir.resolve("runs.log");
      TaskView task =
          fleet.runScript(
              "echo run >> '" + runs + "'; echo started; sleep 60; echo finished",
              List.of("restarting-1"),
              60L);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(
              () ->
                  java.nio.file.Files.exists(runs)
                      && fleet.task(task.id()).targets().get(0).state() == CommandState.RUNNING);

      agent.close();
      fleet.start(home);
      List<LogEntry> lines = fleet.follow(task.id());

      TargetView target = fleet.task(task.id()).targets().get(0);
      assertThat(target.state()).isEqualTo(CommandState.FAILED);
      assertThat(target.message()).startsWith("result unknown: the tentacle restarted");
      assertThat(java.nio.file.Files.readAllLines(runs))
          .as("the script ran once")
          .containsExactly("run");
      assertThat(lines).extracting(LogEntry::text).doesNotContain("finished");
    }
  }

  @Test
  void commandNotCollectedInTimeFailsWithAnActionableMessage(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.register("never-1", true);
      TaskView task = fleet.runScript("echo never", List.of("never-1"), 1L);

      fleet.follow(task.id());
      TargetView target = fleet.task(task.id()).targets().get(0);

      assertThat(target.state()).isEqualTo(CommandState.FAILED);
      assertThat(target.message())
          .contains("'never-1' did not collect this command")
          .contains("it has never polled")
          .contains(fleet.server.info().pollingUrl());
    }
  }
}
