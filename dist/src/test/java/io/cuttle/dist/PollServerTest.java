package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.client.ApiClient;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.tentacle.ServerLink;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One instance registered with two real servers ({@code cuttle tentacle poll-server}). */
@Timeout(180)
class PollServerTest {

  private static Run register(TestFleet fleet, Path base) {
    return cuttle(
        "tentacle",
        "register",
        "--instance",
        "multi",
        "--home",
        base.toString(),
        "--server",
        fleet.server.info().webUrl(),
        "--api-key",
        fleet.server.adminApiKey(),
        "--comms-address",
        fleet.server.info().pollingUrl(),
        "--environment",
        "Test");
  }

  private static Run pollServer(String instance, Path base, String serverUrl, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "tentacle",
                "poll-server",
                "--instance",
                instance,
                "--home",
                base.toString(),
                "--server",
                serverUrl,
                "--environment",
                "Staging"));
    args.addAll(List.of(more));
    return cuttle(args.toArray(String[]::new));
  }

  /** Adds {@code second} to the instance's servers, polling its legacy port. */
  private static Run pollServer(TestFleet second, Path base) {
    return pollServer(
        "multi",
        base,
        second.server.info().webUrl(),
        "--api-key",
        second.server.adminApiKey(),
        "--comms-port",
        Integer.toString(second.legacyPort()));
  }

  private static List<LogEntry> runAndFollow(TestFleet fleet, String script) throws Exception {
    TaskView task = fleet.runScript(script, List.of("multi"), 30L);
    List<LogEntry> lines = fleet.follow(task.id());
    assertThat(fleet.task(task.id()).state()).as(lines.toString()).isEqualTo(TaskState.SUCCEEDED);
    return lines;
  }

  @Test
  void anInstanceRunsScriptsFromBothServersAndOneStoppingLeavesTheOther(@TempDir Path dir)
      throws Exception {
    try (TestFleet first = new TestFleet(dir.resolve("a"));
        TestFleet second = new TestFleet(dir.resolve("b"))) {
      Path base = dir.resolve("instances");
      TentacleHome home = TentacleHome.of("multi", base);
      assertThat(register(first, base).exitCode()).isZero();

      Run added = pollServer(second, base);

      assertThat(added.exitCode()).as(added.err()).isZero();
      assertThat(added.out()).contains("with " + second.server.info().webUrl() + " as well");
      TentacleConfig config = TentacleConfig.load(home);
      ServerLink link = config.additionalServers().get(0);
      assertThat(link.tentacleId()).isNotEqualTo(config.tentacleId());
      assertThat(link.environment()).isEqualTo("Staging");
      try (ApiClient api = second.api()) {
        assertThat(api.tentacles().get(0).thumbprint())
            .as("the same certificate on both servers")
            .isEqualTo(
                cuttle(
                        "tentacle",
                        "show-thumbprint",
                        "--instance",
                        "multi",
                        "--home",
                        base.toString())
                    .out()
                    .strip());
      }
      assertThat(cuttle("tentacle", "list-instances", "--home", base.toString()).out())
          .containsPattern("multi +registered +" + first.server.info().webUrl() + " +via router")
          .containsPattern(
              "\\n +registered +"
                  + second.server.info().webUrl()
                  + " +via legacy port .*\\(same\\)");

      try (LogCapture logs = new LogCapture(io.cuttle.tentacle.TentacleAgent.class)) {
        first.start(home);

        assertThat(runAndFollow(first, "echo from-first"))
            .extracting(LogEntry::text)
            .containsExactly("from-first");
        assertThat(runAndFollow(second, "echo from-second"))
            .extracting(LogEntry::text)
            .containsExactly("from-second");
        assertThat(logs.messages())
            .anyMatch(m -> m.contains("from " + second.server.info().webUrl() + " finished"));
      }
      // Each server's commands are remembered apart, so the same id from both could not collide.
      assertThat(home.directory().resolve("journal-" + link.tentacleId())).isDirectory();
      assertThat(Files.list(home.directory().resolve("journal-" + link.tentacleId())).count())
          .isPositive();

      second.server.close();

      assertThat(runAndFollow(first, "echo still-here"))
          .extracting(LogEntry::text)
          .containsExactly("still-here");
      Run checkAll = cuttle("tentacle", "check", "--instance", "multi", "--home", base.toString());
      assertThat(checkAll.exitCode()).isEqualTo(1);
      assertThat(checkAll.out())
          .contains("Server " + first.server.info().webUrl() + ":")
          .contains("All checks passed: this tentacle can reach " + first.server.info().webUrl())
          .contains("Server " + second.server.info().webUrl() + ":")
          .contains("FAILED");
      Run checkFirst =
          cuttle(
              "tentacle",
              "check",
              "--instance",
              "multi",
              "--home",
              base.toString(),
              "--server",
              first.server.info().webUrl());
      assertThat(checkFirst.exitCode()).as(checkFirst.out()).isZero();
    }
  }

  @Test
  void deregisterLeavesOneServerOrAll(@TempDir Path dir) throws Exception {
    try (TestFleet first = new TestFleet(dir.resolve("a"));
        TestFleet second = new TestFleet(dir.resolve("b"))) {
      Path base = dir.resolve("instances");
      TentacleHome home = TentacleHome.of("multi", base);
      assertThat(register(first, base).exitCode()).isZero();
      assertThat(pollServer(second, base).exitCode()).isZero();

      Run leftFirst =
          cuttle(
              "tentacle",
              "deregister",
              "--instance",
              "multi",
              "--home",
              base.toString(),
              "--server",
              first.server.info().webUrl(),
              "--api-key",
              first.server.adminApiKey());

      assertThat(leftFirst.exitCode()).as(leftFirst.err()).isZero();
      assertThat(leftFirst.out())
          .contains("Removed tentacle 'multi' from " + first.server.info().webUrl())
          .contains("still polls " + second.server.info().webUrl());
      TentacleConfig afterOne = TentacleConfig.load(home);
      assertThat(afterOne.registered()).isFalse();
      assertThat(afterOne.activeServers())
          .extracting(ServerLink::serverUrl)
          .containsExactly(second.server.info().webUrl());
      assertThat(cuttle("tentacle", "list-instances", "--home", base.toString()).out())
          .containsPattern("multi +deregistered")
          .containsPattern("\\n +registered +" + second.server.info().webUrl());

      Run leftRest =
          cuttle(
              "tentacle",
              "deregister",
              "--instance",
              "multi",
              "--home",
              base.toString(),
              "--api-key",
              second.server.adminApiKey());

      assertThat(leftRest.exitCode()).as(leftRest.err()).isZero();
      assertThat(leftRest.out()).contains("Marked instance 'multi' deregistered");
      try (ApiClient api = second.api()) {
        assertThat(api.tentacles()).isEmpty();
      }
      assertThat(TentacleConfig.load(home).activeServers()).isEmpty();
      Run run = cuttle("tentacle", "run", "--instance", "multi", "--home", base.toString());
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("'multi' was deregistered from");
    }
  }

  @Test
  void badInputIsRefusedWithoutChangingTentacleJson(@TempDir Path dir) throws Exception {
    try (TestFleet first = new TestFleet(dir.resolve("a"));
        TestFleet second = new TestFleet(dir.resolve("b"))) {
      Path base = dir.resolve("instances");
      TentacleHome home = TentacleHome.of("multi", base);
      assertThat(register(first, base).exitCode()).isZero();
      assertThat(pollServer(second, base).exitCode()).isZero();
      byte[] before = Files.readAllBytes(home.configFile());

      Run unknown =
          pollServer(
              "ghost",
              base,
              second.server.info().webUrl(),
              "--api-key",
              second.server.adminApiKey(),
              "--comms-port",
              "10943");
      int closedPort = TestFleet.freePort();
      Run unreachable =
          pollServer(
              "multi",
              base,
              "https://localhost:" + closedPort,
              "--api-key",
              "k",
              "--comms-port",
              "10943");
      Run duplicate = pollServer(second, base);
      Run primary =
          pollServer(
              "multi",
              base,
              first.server.info().webUrl() + "/",
              "--api-key",
              first.server.adminApiKey(),
              "--comms-port",
              "10943");
      Run notPolled =
          cuttle(
              "tentacle",
              "deregister",
              "--instance",
              "multi",
              "--home",
              base.toString(),
              "--server",
              "https://localhost:" + closedPort,
              "--api-key",
              "k");
      Run rotate =
          cuttle(
              "tentacle", "rotate-certificate", "--instance", "multi", "--home", base.toString());
      Run checkNotPolled =
          cuttle(
              "tentacle",
              "check",
              "--instance",
              "multi",
              "--home",
              base.toString(),
              "--server",
              "https://localhost:" + closedPort);

      assertThat(unknown.exitCode()).isEqualTo(1);
      assertThat(unknown.err()).contains("tentacle instance 'ghost' is not registered");
      assertThat(base.resolve("ghost")).doesNotExist();
      assertThat(unreachable.exitCode()).isEqualTo(1);
      assertThat(unreachable.err())
          .contains("could not reach the server at https://localhost:" + closedPort);
      assertThat(duplicate.exitCode()).isEqualTo(1);
      assertThat(duplicate.err())
          .contains("already polls " + second.server.info().webUrl())
          .contains("--force");
      assertThat(primary.exitCode()).isEqualTo(1);
      assertThat(primary.err())
          .contains("registered with first")
          .contains("cuttle tentacle register --force");
      assertThat(notPolled.exitCode()).isEqualTo(1);
      assertThat(notPolled.err())
          .contains("is not registered with https://localhost:" + closedPort)
          .contains("it polls " + first.server.info().webUrl());
      assertThat(rotate.exitCode()).isEqualTo(1);
      assertThat(rotate.err()).contains("polls several servers, and rotation tells only the first");
      assertThat(checkNotPolled.exitCode()).isEqualTo(1);
      assertThat(checkNotPolled.err()).contains("is not registered with");
      assertThat(Files.readAllBytes(home.configFile())).isEqualTo(before);
    }
  }
}
