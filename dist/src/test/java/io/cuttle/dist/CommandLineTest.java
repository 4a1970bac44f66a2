package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(180)
class CommandLineTest {

  /** What one run of the command line printed and returned. */
  record Run(int exitCode, String out, String err) {}

  static Run cuttle(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Cuttle.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void demoRunsTheScriptOnAllThreeTentaclesThroughBothRoutes(@TempDir Path dir) {
    Run run =
        cuttle(
            "demo",
            "--exit",
            "--data",
            dir.resolve("data").toString(),
            "--port",
            "0",
            "--legacy-port",
            "0");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("[demo-web-1  | via router] Hello from demo-web-1")
        .contains("[demo-web-2  | via router] Hello from demo-web-2")
        .contains("[demo-legacy | via legacy port] Hello from demo-legacy")
        .contains("All targets succeeded.");
    assertThat(run.out().lines().filter(l -> l.contains("succeeded (exit code 0)")).count())
        .isEqualTo(3);
  }

  @Test
  void demoRunsAgainOnTheSameDataDirectory(@TempDir Path dir) {
    String data = dir.resolve("data").toString();
    assertThat(
            cuttle("demo", "--exit", "--data", data, "--port", "0", "--legacy-port", "0")
                .exitCode())
        .isZero();

    Run again = cuttle("demo", "--exit", "--data", data, "--port", "0", "--legacy-port", "0");

    assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
    assertThat(again.out()).contains("All targets succeeded.");
  }

  @Test
  void scriptWithAWrongApiKeySaysSoAndFails(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      Run run =
          cuttle(
              "script",
              "--server",
              fleet.server.info().webUrl(),
              "--api-key",
              "cuttle_wrong",
              "--",
              "echo hi");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("the API key is not valid on this server");
    }
  }

  @Test
  void scriptPrintsEachTargetsOutputAndExitsNonZeroWhenOneFails(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("good-1", true));
      fleet.start(fleet.register("bad-1", false));

      Run run =
          cuttle(
              "script",
              "--server",
              fleet.server.info().webUrl(),
              "--api-key",
              fleet.server.adminApiKey(),
              "--environment",
              "Test",
              "--",
              "echo \"on $CUTTLE_TENTACLE_NAME\"; [ \"$CUTTLE_TENTACLE_NAME\" = good-1 ]");

      assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
      assertThat(run.out())
          .contains("[good-1 | via router] on good-1")
          .contains("[bad-1  | via legacy port] on bad-1")
          .contains("FAILED: the script exited with code 1")
          .contains("Some targets failed.");
    }
  }

  @Test
  void scriptForAnUnknownEnvironmentExplainsWhatMatched(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.register("only-1", true);

      Run run =
          cuttle(
              "script",
              "--server",
              fleet.server.info().webUrl(),
              "--api-key",
              fleet.server.adminApiKey(),
              "--environment",
              "Nowhere",
              "--",
              "echo hi");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("no registered tentacle matches environment 'Nowhere'");
    }
  }

  @Test
  void registerRefusesBothCommsOptionsAndLeavesNothingBehind(@TempDir Path dir) {
    Run run =
        cuttle(
            "tentacle",
            "register",
            "--instance",
            "t1",
            "--home",
            dir.toString(),
            "--server",
            "https://localhost:1",
            "--api-key",
            "k",
            "--comms-address",
            "https://polling.localhost:1",
            "--comms-port",
            "10943",
            "--environment",
            "Dev");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("mutually exclusive");
    assertThat(dir.resolve("t1")).doesNotExist();
  }

  @Test
  void registerAgainstAnUnreachableServerNamesIt(@TempDir Path dir) {
    int closedPort = TestFleet.freePort();
    Run run =
        cuttle(
            "tentacle",
            "register",
            "--instance",
            "t1",
            "--home",
            dir.toString(),
            "--server",
            "https://localhost:" + closedPort,
            "--api-key",
            "k",
            "--comms-port",
            "10943",
            "--environment",
            "Dev");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("could not reach the server at https://localhost:" + closedPort);
    assertThat(dir.resolve("t1").resolve("tentacle.json")).doesNotExist();
  }

  @Test
  void runningAnUnregisteredInstanceSaysHowToRegister(@TempDir Path dir) {
    Run run = cuttle("tentacle", "run", "--instance", "ghost", "--home", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("tentacle instance 'ghost' is not registered")
        .contains("cuttle tentacle register");
  }

  @Test
  void routedPollingPortNeedsAValidTrustList(@TempDir Path dir) {
    String data = dir.resolve("data").toString();

    Run noTrust = cuttle("server", "--data", data, "--routed-polling-port", "7443");
    Run badTrust =
        cuttle(
            "server",
            "--data",
            data,
            "--routed-polling-port",
            "7443",
            "--trusted-proxy",
            "10.0.0.5",
            "--trusted-proxy",
            "10.0.0.0/33");
    Run trustWithoutPort = cuttle("server", "--data", data, "--trusted-proxy", "10.0.0.5");

    assertThat(noTrust.exitCode()).isEqualTo(1);
    assertThat(noTrust.err())
        .contains("--routed-polling-port 7443 needs at least one --trusted-proxy");
    assertThat(badTrust.exitCode()).isEqualTo(1);
    assertThat(badTrust.err())
        .contains(
            "--trusted-proxy: '10.0.0.0/33' (expected: an address or CIDR such as 10.0.0.0/8)");
    assertThat(trustWithoutPort.exitCode()).isEqualTo(1);
    assertThat(trustWithoutPort.err()).contains("--trusted-proxy is only used with");

    Run nodeOnH2 = cuttle("server", "--data", data, "--node-name", "node-1");
    assertThat(nodeOnH2.exitCode()).isEqualTo(1);
    assertThat(nodeOnH2.err())
        .contains(
            "--node-name node-1 is for several servers sharing one PostgreSQL database: add --db"
                + " jdbc:postgresql://HOST:5432/DATABASE");
  }

  @Test
  void theCapOnACommandsOutputMustBeAtLeastOneMebibyte(@TempDir Path dir) {
    Run none =
        cuttle("server", "--data", dir.resolve("data").toString(), "--max-command-output-mb", "0");

    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).contains("--max-command-output-mb: 0 (expected: 1 to 8796093022207)");
  }

  @Test
  void everyRoleHasASubcommand() {
    Run run = cuttle("--help");

    assertThat(run.out())
        .contains(
            "server",
            "tentacle",
            "router",
            "script",
            "demo",
            "fleet",
            "node",
            "user",
            "api-key",
            "registration-token");
    assertThat(List.of(run.exitCode())).containsExactly(0);
  }
}
