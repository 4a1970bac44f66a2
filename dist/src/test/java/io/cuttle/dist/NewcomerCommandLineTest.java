package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.client.ApiClient;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.CreateUserRequest;
import io.cuttle.wire.api.EnvironmentView;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.StepSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer meets on the command line when an address or a name is wrong (issue 19 items 4 to
 * 6): {@code tentacle register} refuses what cannot work and leaves nothing behind, "not found"
 * answers name the command to type and the nearest names, and a {@code --server} that is not the
 * web URL, or not reachable, gets one plain sentence. One real server serves the whole class.
 */
@Timeout(180)
class NewcomerCommandLineTest {
  @TempDir static Path dir;
  private static TestFleet fleet;
  private static Path home;

  @BeforeAll
  static void start() throws Exception {
    fleet = new TestFleet(dir);
    home = dir.resolve("tentacles");
    try (ApiClient api = fleet.api()) {
      api.createEnvironment("Production");
      api.createEnvironment("Staging");
      api.createProject(
          new ProjectRequest(
              "shop",
              "",
              List.of(
                  new StepSpec(
                      "hello", "script", List.of(), null, "bash", "echo hi", null, null, null))));
      api.createRelease("shop", new CreateReleaseRequest("1.0.0", Map.of()));
    }
  }

  @AfterAll
  static void stop() {
    fleet.close();
  }

  private static String web() {
    return fleet.server.info().webUrl();
  }

  private static Run register(String instance, String commsAddress, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "tentacle",
                "register",
                "--instance",
                instance,
                "--home",
                home.toString(),
                "--server",
                web(),
                "--api-key",
                fleet.server.adminApiKey(),
                "--server-thumbprint",
                fleet.server.thumbprint().toString(),
                "--comms-address",
                commsAddress));
    args.addAll(List.of(more));
    if (!args.contains("--environment")) {
      args.addAll(List.of("--environment", "Production"));
    }
    return cuttle(args.toArray(String[]::new));
  }

  private static Run withServer(String serverUrl, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    // Before a "--", after which everything is the script.
    int end = args.contains("--") ? args.indexOf("--") : args.size();
    args.addAll(
        end,
        List.of(
            "--server",
            serverUrl,
            "--api-key",
            fleet.server.adminApiKey(),
            "--server-thumbprint",
            fleet.server.thumbprint().toString()));
    return cuttle(args.toArray(String[]::new));
  }

  private static List<String> tentacleNames() {
    try (ApiClient api = fleet.api()) {
      return api.tentacles().stream().map(t -> t.name()).toList();
    }
  }

  private static void assertNoInstanceFolder(String instance) {
    assertThat(home.resolve(instance)).as("no instance folder is left behind").doesNotExist();
  }

  @Test
  void registerRefusesAPortWhereNothingListensAndLeavesNothingBehind() {
    int closed = TestFleet.freePort();

    Run run = register("wrong-port", "https://polling.localhost:" + closed);

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "the polling address https://polling.localhost:" + closed + " does not work",
            "refused",
            "The server advertises " + fleet.server.info().pollingUrl(),
            "Nothing was registered",
            "--no-verify");
    assertThat(run.out()).doesNotContain("Registered");
    assertNoInstanceFolder("wrong-port");
    assertThat(tentacleNames()).doesNotContain("wrong-port");
  }

  @Test
  void registerRefusesAHostThatDoesNotResolve() {
    Run run = register("no-host", "https://no-such-host.invalid:443");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "the polling address https://no-such-host.invalid:443 does not work",
            "no-such-host.invalid does not resolve on this machine");
    assertNoInstanceFolder("no-host");
    assertThat(tentacleNames()).doesNotContain("no-host");
  }

  @Test
  void registerWithNoVerifyWarnsAndRegistersAnyway() {
    int closed = TestFleet.freePort();

    Run run = register("unverified", "https://polling.localhost:" + closed, "--no-verify");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.err())
        .contains("Warning: the polling address", "does not work", "Registering anyway");
    assertThat(run.out()).contains("Registered tentacle 'unverified'", "Polling check:     FAILED");
    assertThat(tentacleNames()).contains("unverified");
  }

  @Test
  void registerThroughTheWebNameWorksAndSaysWhatTheServerAdvertisesAndHowToStartIt() {
    Run run = register("web-name", web());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains(
            "Registered tentacle 'web-name'",
            "Polling check:     ok (",
            "leads to the polling listener; it is not an address the server advertises",
            "Start it with: cuttle tentacle run --instance web-name --home "
                + home.toAbsolutePath());
  }

  @Test
  void aMisspeltEnvironmentIsRefusedWithTheNearestNameAndNothingIsCreated() throws Exception {
    Run run = register("typo-env", fleet.server.info().pollingUrl(), "--environment", "Prodution");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "no environment 'Prodution'; did you mean 'Production'?",
            "Production, Staging",
            "pass --create-environment",
            "cuttle environment list")
        .doesNotContain("createEnvironment: true");
    assertNoInstanceFolder("typo-env");
    try (ApiClient api = fleet.api()) {
      assertThat(api.environments().stream().map(EnvironmentView::name))
          .doesNotContain("Prodution");
    }
  }

  @Test
  void createEnvironmentAddsANewOne() {
    Run run =
        register(
            "kitchen-1",
            fleet.server.info().pollingUrl(),
            "--environment",
            "Kitchen",
            "--create-environment");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    try (ApiClient api = fleet.api()) {
      assertThat(api.environments().stream().map(EnvironmentView::name)).contains("Kitchen");
    }
  }

  @Test
  void notFoundNamesTheCommandToTypeAndTheNearestNameNeverRest() {
    Run environment = withServer(web(), "environment", "delete", "Stagin");
    Run nothingNear = withServer(web(), "environment", "delete", "Warehouse");

    assertThat(environment.exitCode()).isEqualTo(1);
    assertThat(environment.err())
        .contains(
            "no environment 'Stagin'; did you mean 'Staging'?",
            "(list them with 'cuttle environment list')")
        .doesNotContain("GET /api");
    assertThat(nothingNear.err())
        .contains("no environment 'Warehouse' (list them with 'cuttle environment list')")
        .doesNotContain("did you mean", "GET /api");
  }

  @Test
  void anUnknownUserGetsTheNearestNameAndTheListCommand() throws Exception {
    try (ApiClient api = fleet.api()) {
      api.createUser(new CreateUserRequest("bob", "a long enough password", "viewer"));
    }
    Path password = Files.writeString(dir.resolve("new-password"), "another long password\n");
    List<String[]> commands =
        List.of(
            new String[] {"user", "disable", "bobb"},
            new String[] {"user", "enable", "bobb"},
            new String[] {"user", "delete", "bobb"},
            new String[] {"user", "set-role", "bobb", "admin"},
            new String[] {"user", "set-password", "bobb", "--password-file", password.toString()});

    for (String[] command : commands) {
      Run run = withServer(web(), command);

      assertThat(run.exitCode()).as(String.join(" ", command)).isEqualTo(1);
      assertThat(run.err())
          .as(String.join(" ", command))
          .contains(
              "no user named 'bobb'; did you mean 'bob'? (list them with 'cuttle user list')");
    }
    assertThat(withServer(web(), "user", "disable", "zacharias").err())
        .contains("no user named 'zacharias' (list them with 'cuttle user list')")
        .doesNotContain("did you mean");
    try (ApiClient api = fleet.api()) {
      assertThat(api.users()).anyMatch(u -> u.name().equals("bob") && u.disabledMillis() == null);
    }
  }

  @Test
  void unknownProjectsAndReleasesGetTheNearestNameAndTheirListCommand() {
    Run project = withServer(web(), "release", "list", "--project", "shp");
    Run release =
        withServer(
            web(),
            "deploy",
            "--project",
            "shop",
            "--release",
            "1.0.1",
            "--environment",
            "Production");

    assertThat(project.exitCode()).isEqualTo(1);
    assertThat(project.err())
        .contains("no project 'shp'; did you mean 'shop'? (list them with 'cuttle project list')")
        .doesNotContain("GET /api");
    assertThat(release.exitCode()).isEqualTo(1);
    assertThat(release.err())
        .contains(
            "project 'shop' has no release '1.0.1'; did you mean '1.0.0'?",
            "(list them with 'cuttle release list --project shop')")
        .doesNotContain("GET /api");
  }

  @Test
  void aPortThatDoesNotSpeakTlsIsCalledATlsMismatch() throws Exception {
    try (ServerSocket plain = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread answering =
          new Thread(
              () -> {
                while (!plain.isClosed()) {
                  try (Socket s = plain.accept()) {
                    s.getOutputStream()
                        .write(
                            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().read(new byte[512]);
                  } catch (IOException closed) {
                    // The test is over, or the client went away.
                  }
                }
              });
      answering.setDaemon(true);
      answering.start();

      Run run = withServer("https://localhost:" + plain.getLocalPort(), "fleet", "list");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("does not speak TLS (TLS mismatch)");
    }
  }

  @Test
  void aMisspeltRoleGetsTheNearestRole() {
    assertThat(
            register("role-1", fleet.server.info().pollingUrl(), "--role", "database").exitCode())
        .isZero();

    Run run =
        withServer(
            web(), "script", "--environment", "Production", "--role", "databse", "--", "true");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "no registered tentacle matches environment 'Production' with a role in [databse]",
            "did you mean 'database'?",
            "(list them with 'cuttle fleet list')")
        .doesNotContain("GET /api");
  }

  @Test
  void anUnknownTentacleGetsTheNearestName() {
    assertThat(register("shop-web-1", fleet.server.info().pollingUrl()).exitCode()).isZero();

    Run run = withServer(web(), "fleet", "health-check", "shop-web1", "--wait-seconds", "0");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("did you mean 'shop-web-1'?", "'cuttle fleet list'")
        .doesNotContain("GET /api");
  }

  @Test
  void theLegacyPortAsServerIsRecognisedAsThePollingListener() {
    String legacy = "https://localhost:" + fleet.legacyPort();

    Run run = withServer(legacy, "fleet", "list");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            legacy
                + " is a Cuttle server's polling address, where tentacles connect, not its web"
                + " URL",
            "legacy polling port")
        .doesNotContain("404");
  }

  @Test
  void thePollingNameAsServerIsRecognisedAndTheWebUrlNamed() {
    Run run = withServer(fleet.server.info().pollingUrl(), "fleet", "list");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "is a Cuttle server's polling address",
            "use https://localhost:"
                + fleet.publicPort()
                + " (the same address without 'polling.')")
        .doesNotContain("404");
  }

  @Test
  void aClosedPortGetsOnePlainSentenceAndTheDetailOnlyWithVerbose() {
    String closed = "https://localhost:" + TestFleet.freePort();

    Run plain = withServer(closed, "fleet", "list");
    Run verbose = withServer(closed, "fleet", "list", "--verbose");

    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(plain.err().strip().lines())
        .singleElement()
        .asString()
        .contains("nothing accepts connections at localhost:", "(connection refused)")
        .doesNotContain("AnnotatedConnectException", "finishConnect");
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.err()).contains("(connection refused)", "Detail (--verbose):", "Connect");
  }

  @Test
  void aServerNameThatDoesNotResolveSaysSo() {
    Run run = withServer("https://no-such-host.invalid", "fleet", "list");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("the name 'no-such-host.invalid' does not resolve on this machine");
  }

  @Test
  void registerRefusedByTheServerLeavesNoInstanceFolder() throws Exception {
    Run run =
        cuttle(
            "tentacle",
            "register",
            "--instance",
            "bad-key",
            "--home",
            home.toString(),
            "--server",
            web(),
            "--api-key",
            "cuttle_wrong",
            "--comms-address",
            fleet.server.info().pollingUrl(),
            "--environment",
            "Production");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    assertNoInstanceFolder("bad-key");
    try (Stream<Path> left = Files.list(home)) {
      assertThat(left.map(p -> p.getFileName().toString())).doesNotContain("bad-key");
    }
  }
}
