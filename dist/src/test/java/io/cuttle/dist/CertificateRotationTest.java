package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.common.pki.PemFiles;
import io.cuttle.tentacle.CertificateRotation;
import io.cuttle.tentacle.Instances;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A tentacle changes its key while it runs, with no re-registration and no failed command. */
@Timeout(120)
class CertificateRotationTest {

  @Test
  void tentacleRotatesItsCertificateWhileRunningAScript(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("rot-1", true);
      fleet.start(home);
      // Long enough that the switch happens while it prints: output and result must survive it.
      TaskView task =
          fleet.runScript(
              "for i in $(seq 1 40); do echo line $i; sleep 0.2; done", List.of("rot-1"), 60L);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> fleet.task(task.id()).state() == TaskState.RUNNING);

      CertificateRotation.Result rotated = CertificateRotation.rotate(home, java.util.Map.of());

      assertThat(Instances.thumbprint(home)).isEqualTo(rotated.added());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> serverThumbprintOf(fleet, "rot-1").equals(rotated.added().toString()));
      List<LogEntry> lines = fleet.follow(task.id());
      assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(lines)
          .extracting(LogEntry::text)
          .containsExactlyElementsOf(
              IntStream.rangeClosed(1, 40).mapToObj(i -> "line " + i).toList());

      TaskView after = fleet.runScript("echo after rotation", List.of("rot-1"), 60L);
      assertThat(fleet.follow(after.id()))
          .extracting(LogEntry::text)
          .containsExactly("after rotation");
      assertThat(fleet.task(after.id()).state()).isEqualTo(TaskState.SUCCEEDED);

      // The old key, used from a copy of the instance, is now a stranger to the server.
      TentacleHome stale = copyWithPreviousIdentity(fleet, home, "rot-1-old");
      fleet.start(stale);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  fleet.server.refusedConnections().list().stream()
                      .anyMatch(a -> a.thumbprint().equals(rotated.old().toString())));
    }
  }

  @Test
  void aStoppedTentacleRotatesAndPollsWithTheNewKeyWhenStarted(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("rot-2", false);

      CertificateRotation.Result rotated = CertificateRotation.rotate(home, java.util.Map.of());
      // Both are trusted until the new one is used: the old key still belongs to rot-2.
      assertThat(serverThumbprintOf(fleet, "rot-2")).isEqualTo(rotated.old().toString());

      fleet.start(home);
      TaskView task = fleet.runScript("echo new key", List.of("rot-2"), 60L);
      assertThat(fleet.follow(task.id())).extracting(LogEntry::text).containsExactly("new key");
      assertThat(serverThumbprintOf(fleet, "rot-2")).isEqualTo(rotated.added().toString());
    }
  }

  private static String serverThumbprintOf(TestFleet fleet, String name) {
    try (var api = fleet.api()) {
      return api.tentacles().stream()
          .filter(t -> t.name().equals(name))
          .findFirst()
          .orElseThrow()
          .thumbprint();
    }
  }

  private static TentacleHome copyWithPreviousIdentity(
      TestFleet fleet, TentacleHome home, String instance) throws Exception {
    TentacleHome copy = fleet.home(instance);
    Files.createDirectories(copy.directory());
    Files.copy(home.configFile(), copy.configFile());
    PemFiles.write(
        copy.directory(), PemFiles.read(home.directory().resolve(Instances.PREVIOUS_IDENTITY)));
    return copy;
  }
}
