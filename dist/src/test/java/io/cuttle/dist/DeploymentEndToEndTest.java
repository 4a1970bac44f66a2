package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.client.ApiClient;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments end to end through the {@code cuttle} command line: a real server, real tentacles
 * polling over TLS, real scripts, variables reaching them and secrets kept out of every log.
 */
@Timeout(180)
class DeploymentEndToEndTest {
  private static final String SECRET = "pa55-w0rd-e2e";

  @TempDir Path dir;
  private TestFleet fleet;

  @BeforeEach
  void startFleet() throws Exception {
    fleet = new TestFleet(dir);
    fleet.start(fleet.register("web-1", true));
    fleet.start(fleet.register("web-2", false));
  }

  @AfterEach
  void stopFleet() {
    fleet.close();
  }

  /** Runs {@code cuttle} against the fleet's server with its admin key, checking the exit code. */
  private Run cli(int expectedExit, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--server",
            fleet.server.info().webUrl(),
            "--api-key",
            fleet.server.adminApiKey(),
            "--server-thumbprint",
            fleet.server.thumbprint().toString()));
    Run run = cuttle(all.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(expectedExit);
    return run;
  }

  /** The task id from the line {@code cuttle deploy} starts with. */
  private static String taskIdOf(Run deploy) {
    String line =
        deploy.out().lines().filter(l -> l.startsWith("Deployment ")).findFirst().orElseThrow();
    return line.substring(line.indexOf("runs as task ") + "runs as task ".length()).trim();
  }

  private Path projectFile(String json) throws Exception {
    Path file = dir.resolve("project.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void aReleaseDeploysStepByStepWithScopedVariablesAndMaskedSecrets() throws Exception {
    cli(0, "environment", "create", "Dev");
    assertThat(cli(0, "environment", "order", "Dev", "Test").out())
        .as("Test was added when the tentacles registered in it")
        .contains("1. Dev", "2. Test");

    Path file =
        projectFile(
            """
            {"name": "shop", "description": "the web shop", "steps": [
              {"name": "prepare", "roles": ["web"],
               "script": "echo \\"prepare on $CUTTLE_TENTACLE_NAME: greeting=$GREETING\\""},
              {"name": "switch", "roles": ["web"], "window": 1,
               "script": "echo \\"password is $DB_PASSWORD\\"; [ \\"$DB_PASSWORD\\" = 'pa55-w0rd-e2e' ] && echo password-ok"}
            ]}
            """);
    assertThat(cli(0, "project", "create", "--file", file.toString()).out())
        .contains(
            "1. prepare (script, roles [web])", "2. switch (script, roles [web], 1 at a time)");
    cli(0, "project", "variable", "add", "shop", "GREETING", "hello");
    cli(0, "project", "variable", "add", "shop", "GREETING", "hello-test", "--environment", "Test");
    cli(0, "project", "variable", "add", "shop", "DB_PASSWORD", SECRET, "--sensitive");
    assertThat(cli(0, "project", "variable", "list", "shop").out())
        .contains("DB_PASSWORD=********")
        .doesNotContain(SECRET);
    assertThat(cli(0, "release", "create", "--project", "shop", "--version", "1.0.0").out())
        .contains("Release 1.0.0 of shop: 2 step(s), 3 variable(s)");

    Run deploy =
        cli(
            0,
            "deploy",
            "--project",
            "shop",
            "--release",
            "1.0.0",
            "--environment",
            "Test",
            "--watch");

    assertThat(deploy.out())
        .contains("prepare on web-1: greeting=hello-test")
        .contains("prepare on web-2: greeting=hello-test")
        .contains("password is ********")
        .contains("password-ok")
        .contains("All targets succeeded.")
        .doesNotContain(SECRET);
    assertThat(deploy.out()).containsPattern("\\[prepare / web-1 *\\| via router\\]");
    assertThat(deploy.out()).containsPattern("\\[switch / web-2 *\\| via legacy port\\]");

    String taskId = taskIdOf(deploy);
    TaskView task = fleet.task(taskId);
    assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(task.targets().stream().map(t -> t.stepName() + "/" + t.tentacleName()))
        .containsExactly("prepare/web-1", "prepare/web-2", "switch/web-1", "switch/web-2");
    List<LogEntry> log = fleet.follow(taskId);
    assertThat(log).allSatisfy(line -> assertThat(line.text()).doesNotContain(SECRET));
    assertThat(log.stream().filter(l -> l.text().contains("password is")).map(LogEntry::stepName))
        .containsOnly("switch")
        .hasSize(2);
    assertThat(
            Stream.of("prepare", "switch")
                .map(step -> log.stream().filter(l -> step.equals(l.stepName())).count()))
        .allMatch(count -> count >= 2);
  }

  @Test
  void aFailedTargetStopsTheDeploymentAndRetryingItFinishesIt() throws Exception {
    Path marker = dir.resolve("failed-once");
    Path file =
        projectFile(
            """
            {"name": "flaky", "steps": [
              {"name": "install", "roles": ["web"],
               "script": "if [ $CUTTLE_TENTACLE_NAME = web-2 ] && [ ! -e '%s' ]; then touch '%s'; echo broken; exit 3; fi; echo installed"},
              {"name": "verify", "roles": ["web"], "script": "echo verified"}
            ]}
            """
                .formatted(marker, marker));
    cli(0, "project", "create", "--file", file.toString());
    cli(0, "release", "create", "--project", "flaky", "--version", "1");

    Run failed =
        cli(
            1,
            "deploy",
            "--project",
            "flaky",
            "--release",
            "1",
            "--environment",
            "Test",
            "--watch");
    assertThat(failed.out())
        .contains("FAILED: the script exited with code 3")
        .contains("not started: step 'install' failed")
        .doesNotContain("verified");
    String taskId = taskIdOf(failed);

    Run retried = cli(0, "task", "retry", taskId, "web-2", "--watch");

    assertThat(retried.out())
        .contains("installed")
        .contains("verified")
        .contains("All targets succeeded.");
    try (ApiClient api = fleet.api()) {
      TaskView task = api.task(taskId);
      assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(task.targets()).extracting(TargetView::state).containsOnly(CommandState.SUCCEEDED);
      assertThat(api.deployment(taskId).state()).isEqualTo(TaskState.SUCCEEDED);
    }
  }

  @Test
  void aDeploymentCarriesOnAfterTheServerRestartsMidway() throws Exception {
    Path file =
        projectFile(
            """
            {"name": "long", "steps": [
              {"name": "slow", "roles": ["web"], "script": "sleep 5; echo slow done"},
              {"name": "after", "roles": ["web"], "script": "echo after the restart"}
            ]}
            """);
    cli(0, "project", "create", "--file", file.toString());
    cli(0, "release", "create", "--project", "long", "--version", "1");
    String taskId =
        taskIdOf(cli(0, "deploy", "--project", "long", "--release", "1", "--environment", "Test"));

    // Restarted while the first step runs on both targets, so its results reach the new server.
    // (Restarting while an acknowledgement is in flight can leave a command RUNNING that never
    // ran: a gap in the polling protocol of its own, not in how deployments continue.)
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                fleet.task(taskId).targets().stream()
                    .filter(t -> t.stepIndex() == 0)
                    .allMatch(t -> t.state() == CommandState.RUNNING));
    fleet.restartServer();

    List<LogEntry> log = fleet.follow(taskId);
    assertThat(fleet.task(taskId).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(
            log.stream()
                .filter(l -> l.text().equals("after the restart"))
                .map(LogEntry::tentacleName))
        .containsExactlyInAnyOrder("web-1", "web-2");
  }
}
