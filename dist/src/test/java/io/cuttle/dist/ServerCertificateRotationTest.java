package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.client.ApiException;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.polling.RefusedConnections;
import io.cuttle.tentacle.CheckStep;
import io.cuttle.tentacle.ConnectionCheck;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.ServerCertificateStatus;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.api.TentacleView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The server rotates its own certificate while tentacles run: they learn the next thumbprint on
 * their polls, the admin activates it once they all hold it, and nobody is cut off, not even a
 * script printing through the switch.
 */
@Timeout(180)
class ServerCertificateRotationTest {

  @Test
  void runningTentaclesFollowTheServerThroughARotation(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        LogCapture agentLog = new LogCapture(TentacleAgent.class)) {
      TentacleHome routed = fleet.register("via-router", true);
      TentacleHome legacy = fleet.register("legacy", false);
      TentacleHome stopped = fleet.register("stopped", false);
      fleet.start(routed);
      fleet.start(legacy);
      awaitOnline(fleet, "via-router", "legacy");
      Thumbprint old = fleet.server.thumbprint();

      Run created = cuttle(fleet, "server-certificate", "new");
      assertThat(created.exit()).as(created.err()).isZero();
      String next = status(fleet).nextThumbprint();
      assertThat(created.out()).contains("Next certificate:     " + next);
      assertThat(created.out().lines())
          .as("the command to type next, whole on one line")
          .contains("  cuttle server-certificate activate");

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                ServerCertificateStatus status = status(fleet);
                assertThat(status.pinned()).isEqualTo(2);
                assertThat(status.onlineWithoutPin()).isEmpty();
                assertThat(status.offlineWithoutPin()).containsExactly("stopped");
              });
      assertThat(TentacleConfig.load(routed).nextServerThumbprint()).isEqualTo(next);
      assertThat(TentacleConfig.load(legacy).nextServerThumbprint()).isEqualTo(next);
      assertThat(ConnectionCheck.run(legacy, null).get(0).steps())
          .allMatch(CheckStep::passed)
          .extracting(CheckStep::detail)
          .anyMatch(
              detail ->
                  detail.contains("pinned thumbprint " + old)
                      && detail.contains("also pinned: the server's next certificate " + next));
      assertThat(cuttle(fleet, "server-certificate", "status").out())
          .contains("Tentacles holding the next one: 2 of 3")
          .contains("Offline without it: stopped");

      // A script prints through the switch: its output and result must survive it.
      TaskView printing =
          fleet.runScript(
              "for i in $(seq 1 30); do echo line $i; sleep 0.2; done", List.of("via-router"), 60L);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> fleet.task(printing.id()).state() == TaskState.RUNNING);
      Run activated = cuttle(fleet, "server-certificate", "activate");
      assertThat(activated.exit()).as(activated.err()).isZero();
      assertThat(fleet.server.thumbprint()).hasToString(next);
      Run stalePin = cuttleWithThumbprint(fleet, old.toString(), "fleet", "list");
      assertThat(stalePin.exit()).isEqualTo(1);
      assertThat(stalePin.err())
          .contains("now presents certificate thumbprint " + next + ", not " + old)
          .contains("its certificate was rotated")
          .contains("'cuttle server-certificate status'")
          .contains("pass --server-thumbprint " + next)
          .doesNotContain("printed at start");
      assertThat(fleet.follow(printing.id()))
          .extracting(LogEntry::text)
          .containsExactlyElementsOf(
              IntStream.rangeClosed(1, 30).mapToObj(i -> "line " + i).toList());
      assertThat(fleet.task(printing.id()).state()).isEqualTo(TaskState.SUCCEEDED);

      for (TentacleHome home : List.of(routed, legacy)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  TentacleConfig config = TentacleConfig.load(home);
                  assertThat(config.serverThumbprint()).isEqualTo(next);
                  assertThat(config.nextServerThumbprint()).isNull();
                });
      }
      assertScriptRuns(fleet, "via-router");
      assertScriptRuns(fleet, "legacy");

      TentacleHome fresh = fleet.register("fresh", true);
      assertThat(TentacleConfig.load(fresh).serverThumbprint()).isEqualTo(next);
      fleet.start(fresh);
      assertScriptRuns(fleet, "fresh");

      // Stopped through the whole rotation, it never learned the pin: it must say what to do.
      fleet.start(stopped);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  agentLog.messages().stream()
                      .anyMatch(
                          m ->
                              m.contains("presented certificate thumbprint " + next)
                                  && m.contains("pinned " + old)
                                  && m.contains("rotated while this tentacle was stopped")
                                  && m.contains("register again with --force")));

      fleet.restartServer();
      assertThat(fleet.server.thumbprint()).hasToString(next);
      assertThat(status(fleet).previousThumbprint()).isEqualTo(old.toString());
      assertScriptRuns(fleet, "legacy");
    }
  }

  @Test
  void aTentacleWithAStalePinIsOneRefusedConnectionPerDoorNamingThePublicPort(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        LogCapture refusals = new LogCapture(RefusedConnections.class);
        LogCapture armeria =
            new LogCapture("com.linecorp.armeria.server.HttpServerPipelineConfigurator")) {
      // Both stopped through the whole rotation: they pin the certificate it replaced.
      TentacleHome routed = fleet.register("away-routed", true);
      TentacleHome legacy = fleet.register("away-legacy", false);
      assertThat(cuttle(fleet, "server-certificate", "new").exit()).isZero();
      assertThat(cuttle(fleet, "server-certificate", "activate").exit()).isZero();
      fleet.start(routed);
      fleet.start(legacy);

      String publicDoor = "through the public port " + fleet.publicPort() + " (built-in router)";
      String legacyDoor = "through the legacy polling port " + fleet.server.legacyPollingPort();
      try (ApiClient api = fleet.api()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(api.refusedConnections())
                        .filteredOn(r -> r.reason().contains("refused the server's certificate"))
                        .filteredOn(r -> r.attempts() >= 2)
                        .extracting(r -> r.address() + " " + r.reason())
                        .anyMatch(r -> r.startsWith("127.0.0.1 ") && r.contains(publicDoor))
                        .anyMatch(r -> r.startsWith("127.0.0.1 ") && r.contains(legacyDoor)));
      }
      List<String> logged =
          refusals.messages().stream()
              .filter(m -> m.contains("refused the server's certificate"))
              .toList();
      assertThat(logged).as("once per address and door, however often they retry").hasSize(2);
      assertThat(logged)
          .allMatch(m -> m.startsWith("Refused polling connection from 127.0.0.1: "))
          .allMatch(m -> m.contains("register it again with 'cuttle tentacle register --force'"));
      assertThat(armeria.messages())
          .as("no raw handshake warnings naming the loopback port behind the router")
          .noneMatch(m -> m.contains("TLS handshake failed"));
    }
  }

  @Test
  void activationWaitsForOnlineTentaclesUnlessForced(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome present = fleet.register("present", false);
      TentacleHome gone = fleet.register("gone", false);
      fleet.start(present);
      TentacleAgent goneAgent = fleet.start(gone);
      awaitOnline(fleet, "present", "gone");
      // It polled a moment ago, so the server counts it online, but it will not learn the pin.
      goneAgent.close();
      Thumbprint old = fleet.server.thumbprint();

      try (ApiClient api = fleet.api()) {
        assertThatThrownBy(() -> api.createNextServerCertificate(true))
            .isInstanceOf(ApiException.class)
            .hasMessageContaining("there is no previous server certificate");
        String next = api.createNextServerCertificate(false).nextThumbprint();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  ServerCertificateStatus status = api.serverCertificate();
                  assertThat(status.pinned()).isEqualTo(1);
                  assertThat(status.onlineWithoutPin()).containsExactly("gone");
                });

        assertThatThrownBy(() -> api.activateServerCertificate(false))
            .isInstanceOf(ApiException.class)
            .hasMessageContaining("online tentacles do not hold it yet: gone")
            .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(409));
        Run refused = cuttle(fleet, "server-certificate", "activate");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("gone").contains("--force");
        assertThat(fleet.server.thumbprint()).isEqualTo(old);

        Run forced = cuttle(fleet, "server-certificate", "activate", "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(fleet.server.thumbprint()).hasToString(next);

        // Going back is another rotation, to the pair the activation kept.
        Run back = cuttle(fleet, "server-certificate", "new", "--previous");
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(back.out()).contains("Next certificate:     " + old);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> old.toString().equals(TentacleConfig.load(present).nextServerThumbprint()));
        // A client pinning the server must pass the current thumbprint: cuttle() does.
        assertThat(cuttle(fleet, "server-certificate", "activate", "--force").exit()).isZero();
        assertThat(fleet.server.thumbprint()).isEqualTo(old);
      }
      assertScriptRuns(fleet, "present");
    }
  }

  private static void awaitOnline(TestFleet fleet, String... names) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              try (ApiClient api = fleet.api()) {
                assertThat(api.tentacles())
                    .filteredOn(TentacleView::online)
                    .extracting(TentacleView::name)
                    .contains(names);
              }
            });
  }

  private static ServerCertificateStatus status(TestFleet fleet) {
    try (ApiClient api = fleet.api()) {
      return api.serverCertificate();
    }
  }

  private static void assertScriptRuns(TestFleet fleet, String tentacle) throws Exception {
    TaskView task = fleet.runScript("echo hello from " + tentacle, List.of(tentacle), 60L);
    assertThat(fleet.follow(task.id()))
        .extracting(LogEntry::text)
        .containsExactly("hello from " + tentacle);
    assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
  }

  private record Run(int exit, String out, String err) {}

  /** Runs the command line against the fleet's server, pinned to the thumbprint it has now. */
  private static Run cuttle(TestFleet fleet, String... args) {
    return cuttleWithThumbprint(fleet, fleet.server.thumbprint().toString(), args);
  }

  /** Runs the command line against the fleet's server, pinned to {@code thumbprint}. */
  private static Run cuttleWithThumbprint(TestFleet fleet, String thumbprint, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--server",
            fleet.server.info().webUrl(),
            "--api-key",
            fleet.server.adminApiKey(),
            "--server-thumbprint",
            thumbprint));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Cuttle.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exit = commandLine.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }
}
