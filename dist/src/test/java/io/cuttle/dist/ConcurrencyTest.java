package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Isolation end to end, with a real server, real tentacles and real scripts: by default a tentacle
 * runs one command at a time; with room for more it runs commands that allow concurrency side by
 * side, never two of one mutex; and a busy tentacle still collects the next command at once.
 */
@Timeout(120)
class ConcurrencyTest {

  /**
   * A script that notes its start and end in {@code events}, one line each, and stays in between
   * long enough that an overlapping script would write its start before this one's end. {@code
   * runs} counts how often each script really ran.
   */
  private static String noting(String name, Path events, Path runs) {
    return String.join(
        "\n",
        "echo '" + name + "' >> '" + runs + "'",
        "echo 'start " + name + "' >> '" + events + "'",
        "sleep 1.5",
        "echo 'end " + name + "' >> '" + events + "'");
  }

  /** A script that succeeds only if {@code other} starts while it runs (bounded wait). */
  private static String meeting(String name, String other, Path dir, Path runs) {
    return String.join(
        "\n",
        "echo '" + name + "' >> '" + runs + "'",
        "touch '" + dir.resolve(name + ".started") + "'",
        "for i in $(seq 1 200); do",
        "  if [ -e '" + dir.resolve(other + ".started") + "' ]; then echo met; exit 0; fi",
        "  sleep 0.1",
        "done",
        "echo 'never met " + other + "'; exit 1");
  }

  private static TaskView run(
      TestFleet fleet, String script, String tentacle, String mutex, Boolean allowConcurrency) {
    try (var api = fleet.api()) {
      return api.runScript(
          new RunScriptRequest(
              script,
              "bash",
              null,
              List.of(),
              List.of(tentacle),
              60L,
              null,
              mutex,
              allowConcurrency));
    }
  }

  private static TaskView finished(TestFleet fleet, TaskView task) {
    await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> fleet.task(task.id()).state() != TaskState.RUNNING);
    return fleet.task(task.id());
  }

  private static void assertSucceeded(TestFleet fleet, TaskView... tasks) {
    for (TaskView task : tasks) {
      TaskView done = finished(fleet, task);
      assertThat(done.targets())
          .as(task.id() + ": " + done.targets())
          .allSatisfy(t -> assertThat(t.state()).isEqualTo(CommandState.SUCCEEDED));
    }
  }

  /** Starts and ends alternate, so no script started while another had not ended. */
  private static void assertNeverOverlapped(Path events, int scripts) throws Exception {
    List<String> lines = Files.readAllLines(events);
    assertThat(lines).hasSize(2 * scripts);
    for (int i = 0; i < lines.size(); i += 2) {
      String name = lines.get(i).substring("start ".length());
      assertThat(lines.get(i)).as(lines.toString()).startsWith("start ");
      assertThat(lines.get(i + 1)).as(lines.toString()).isEqualTo("end " + name);
    }
  }

  /** Each script ran exactly once, however often its command was delivered. */
  private static void assertRanOnce(Path runs, String... names) throws Exception {
    assertThat(Files.readAllLines(runs)).containsExactlyInAnyOrder(names);
  }

  private static void configure(TestFleet fleet, String instance, String... options) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Cuttle.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    List<String> args =
        new ArrayList<>(
            List.of(
                "tentacle",
                "configure",
                "--instance",
                instance,
                "--home",
                fleet.directory.resolve("tentacles").toString()));
    args.addAll(List.of(options));
    assertThat(commandLine.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
  }

  @Test
  void byDefaultTwoScriptsForOneTentacleRunOneAfterTheOther(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("solo", true));
      Path events = dir.resolve("events");
      Path runs = dir.resolve("runs");

      // Even when both say they allow concurrency: the tentacle has room for one.
      TaskView a = run(fleet, noting("a", events, runs), "solo", null, true);
      TaskView b = run(fleet, noting("b", events, runs), "solo", null, null);
      TaskView c = run(fleet, noting("c", events, runs), "solo", null, true);

      assertSucceeded(fleet, a, b, c);
      assertNeverOverlapped(events, 3);
      assertRanOnce(runs, "a", "b", "c");
    }
  }

  @Test
  void withRoomForTwoScriptsThatAllowConcurrencyRunSideBySide(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("pair", true);
      configure(fleet, "pair", "--max-concurrent-commands", "2");
      assertThat(TentacleConfig.load(home).commandSlots()).isEqualTo(2);
      fleet.start(home);
      Path runs = dir.resolve("runs");

      // Each waits for the other to start: both succeed only if they ran at the same time.
      TaskView a = run(fleet, meeting("a", "b", dir, runs), "pair", null, true);
      TaskView b = run(fleet, meeting("b", "a", dir, runs), "pair", null, true);

      assertSucceeded(fleet, a, b);
      assertRanOnce(runs, "a", "b");
    }
  }

  @Test
  void withRoomForTwoACommandThatDoesNotAllowConcurrencyStillRunsAlone(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("pair", true);
      configure(fleet, "pair", "--max-concurrent-commands", "2");
      fleet.start(home);
      Path events = dir.resolve("events");
      Path runs = dir.resolve("runs");

      TaskView a = run(fleet, noting("a", events, runs), "pair", null, true);
      TaskView b = run(fleet, noting("b", events, runs), "pair", null, false);
      TaskView c = run(fleet, noting("c", events, runs), "pair", null, true);

      assertSucceeded(fleet, a, b, c);
      assertNeverOverlapped(events, 3);
      assertRanOnce(runs, "a", "b", "c");
    }
  }

  @Test
  void scriptsHoldingOneMutexNeverOverlapEvenWithRoomForMore(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("pool", true);
      configure(fleet, "pool", "--max-concurrent-commands", "3", "--concurrent-polls", "3");
      fleet.start(home);
      Path events = dir.resolve("events");
      Path runs = dir.resolve("runs");

      List<TaskView> tasks = new ArrayList<>();
      for (String name : List.of("a", "b", "c")) {
        tasks.add(run(fleet, noting(name, events, runs), "pool", "db-schema", true));
      }

      assertSucceeded(fleet, tasks.toArray(TaskView[]::new));
      assertNeverOverlapped(events, 3);
      assertRanOnce(runs, "a", "b", "c");
    }
  }

  @Test
  void aLongScriptDoesNotKeepTheNextAllowedCommandOrACancelWaiting(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("busy", true);
      configure(fleet, "busy", "--max-concurrent-commands", "2");
      fleet.start(home);
      Path runs = dir.resolve("runs");

      TaskView longOne =
          run(
              fleet,
              "echo long >> '" + runs + "'\ntouch '" + dir.resolve("long.started") + "'\nsleep 300",
              "busy",
              null,
              true);
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("long.started")));

      TaskView quick = run(fleet, "echo quick >> '" + runs + "'", "busy", null, true);
      assertSucceeded(fleet, quick);
      assertThat(fleet.task(longOne.id()).targets())
          .as("collected and finished while the long script still runs")
          .allSatisfy(t -> assertThat(t.state()).isEqualTo(CommandState.RUNNING));

      try (var api = fleet.api()) {
        api.cancel(longOne.id());
      }
      assertThat(finished(fleet, longOne).targets())
          .allSatisfy(t -> assertThat(t.state()).isEqualTo(CommandState.CANCELLED));
      assertRanOnce(runs, "long", "quick");
    }
  }

  @Test
  void configureRefusesNonsenseAndChangesNothing(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("t", true);
      byte[] before = Files.readAllBytes(home.configFile());
      CommandLine commandLine = Cuttle.commandLine();
      StringWriter err = new StringWriter();
      commandLine.setErr(new PrintWriter(err, true));
      int exit =
          commandLine.execute(
              "tentacle",
              "configure",
              "--instance",
              "t",
              "--home",
              fleet.directory.resolve("tentacles").toString(),
              "--max-concurrent-commands",
              "0");
      assertThat(exit).isEqualTo(1);
      assertThat(err.toString()).contains("maxConcurrentCommands: 0 (expected: 1 to 64)");
      assertThat(Files.readAllBytes(home.configFile())).isEqualTo(before);
    }
  }
}
