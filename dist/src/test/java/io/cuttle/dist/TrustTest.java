package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tentacle and server each accept only the certificate they know, in both directions. */
@Timeout(120)
class TrustTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void tentacleRefusesAServerWhoseThumbprintIsNotThePinnedOne(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        LogCapture tentacleLog = new LogCapture(TentacleAgent.class)) {
      TentacleHome home = fleet.register("pinned-1", true);
      String wrong = SelfSignedCertificates.create("impostor", List.of()).thumbprint().toString();
      editConfig(home, "serverThumbprint", wrong);
      TaskView task = fleet.runScript("echo must not run", List.of("pinned-1"), 60L);

      fleet.start(home);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  tentacleLog.messages().stream()
                      .anyMatch(m -> m.startsWith("Refusing to talk to")));
      String refusal =
          tentacleLog.messages().stream()
              .filter(m -> m.startsWith("Refusing to talk to"))
              .findFirst()
              .orElseThrow();
      assertThat(refusal)
          .contains("presented certificate thumbprint " + fleet.server.thumbprint())
          .contains("pinned " + wrong);
      assertThat(fleet.task(task.id()).targets().get(0).state()).isEqualTo(CommandState.QUEUED);
    }
  }

  @Test
  void serverRefusesAnUnregisteredCertificateAndRecordsItOnce(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        LogCapture tentacleLog = new LogCapture(TentacleAgent.class)) {
      TentacleHome home = fleet.register("swapped-1", false);
      var stranger = SelfSignedCertificates.create("stranger", List.of());
      PemFiles.write(home.directory(), stranger);
      TaskView task = fleet.runScript("echo must not run", List.of("swapped-1"), 60L);

      fleet.start(home);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  fleet.server.refusedConnections().list().stream()
                      .anyMatch(a -> a.thumbprint().equals(stranger.thumbprint().toString())));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  tentacleLog.messages().stream()
                      .anyMatch(m -> m.contains("refused this tentacle")));
      try (var api = fleet.api()) {
        assertThat(api.refusedConnections())
            .as("an admin sees the attempt, once, with where it came from")
            .singleElement()
            .satisfies(
                a -> {
                  assertThat(a.thumbprint()).isEqualTo(stranger.thumbprint().toString());
                  assertThat(a.address()).isEqualTo("127.0.0.1");
                });
      }
      assertThat(fleet.task(task.id()).targets().get(0).state()).isEqualTo(CommandState.QUEUED);
      // Every attempt counts in the metrics, though the list shows the source once.
      assertThat(
              fleet
                  .metrics()
                  .get("cuttle_polling_refused_total{reason=\"certificate_not_registered\"}"))
          .isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void registeredCertificateCannotPollForAnotherTentacle(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        LogCapture tentacleLog = new LogCapture(TentacleAgent.class)) {
      TentacleHome victim = fleet.register("victim-1", true);
      TentacleHome attacker = fleet.register("attacker-1", true);
      String victimId = JSON.readTree(victim.configFile().toFile()).get("tentacleId").asText();
      editConfig(attacker, "tentacleId", victimId);
      TaskView task = fleet.runScript("echo secret for victim", List.of("victim-1"), 60L);

      fleet.start(attacker);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  tentacleLog.messages().stream()
                      .anyMatch(m -> m.contains("refused this tentacle")));
      assertThat(tentacleLog.messages())
          .anyMatch(m -> m.contains("not registered to tentacle id '" + victimId + "'"));
      assertThat(fleet.task(task.id()).targets().get(0).state()).isEqualTo(CommandState.QUEUED);
    }
  }

  private static void editConfig(TentacleHome home, String field, String value) throws Exception {
    ObjectNode config = (ObjectNode) JSON.readTree(home.configFile().toFile());
    config.put(field, value);
    JSON.writeValue(home.configFile().toFile(), config);
  }
}
