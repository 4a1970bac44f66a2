package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code cuttle tentacle rotate-certificate} as an operator runs it. */
@Timeout(120)
class RotateCertificateCommandTest {

  @Test
  void rotatePrintsBothThumbprintsAndTheServerThenTrustsTheNewKey(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("cli-rot", true);
      String old = thumbprintOnDisk(home.directory());

      Run run = rotate(home);

      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      String added = thumbprintOnDisk(home.directory());
      assertThat(added).isNotEqualTo(old);
      assertThat(run.out())
          .contains("Rotated the certificate of tentacle instance 'cli-rot'.")
          .contains("Thumbprint:      " + added)
          .contains("Old thumbprint:  " + old);
      assertThat(thumbprintOnDisk(home.directory().resolve("previous-identity"))).isEqualTo(old);

      // The tentacle starts with the new key only: the server must trust it to run the script.
      fleet.start(home);
      TaskView task = fleet.runScript("echo rotated", List.of("cli-rot"), 60L);
      assertThat(fleet.follow(task.id())).extracting(LogEntry::text).containsExactly("rotated");
      assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
      try (var api = fleet.api()) {
        assertThat(api.tentacles())
            .filteredOn(t -> t.name().equals("cli-rot"))
            .singleElement()
            .extracting(t -> t.thumbprint())
            .isEqualTo(added);
      }
    }
  }

  @Test
  void anUnknownInstanceIsRefusedAndNothingIsWritten(@TempDir Path base) {
    Run run =
        cuttle("tentacle", "rotate-certificate", "--instance", "ghost", "--home", base.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("there is no instance 'ghost'")
        .contains("cuttle tentacle create-instance --instance ghost");
    assertThat(run.out()).isEmpty();
    assertThat(base.resolve("ghost")).doesNotExist();
  }

  @Test
  void anUnregisteredInstanceIsRefusedAndNoFileChanges(@TempDir Path base) throws Exception {
    assertThat(TentacleInstanceCommandsTest.createInstance(base, "web-01").exitCode()).isZero();
    Path home = base.resolve("web-01");
    Map<Path, byte[]> before = contents(home);

    Run run =
        cuttle("tentacle", "rotate-certificate", "--instance", "web-01", "--home", base.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("instance 'web-01' is not registered")
        .contains("cuttle tentacle new-certificate");
    assertUnchanged(home, before);
  }

  @Test
  void aDeregisteredInstanceIsRefusedAndNoFileChanges(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("cli-dereg", false);
      Run deregistered =
          cuttle(
              "tentacle",
              "deregister",
              "--instance",
              "cli-dereg",
              "--home",
              home.directory().getParent().toString(),
              "--api-key",
              fleet.server.adminApiKey());
      assertThat(deregistered.exitCode()).as(deregistered.out() + deregistered.err()).isZero();
      Map<Path, byte[]> before = contents(home.directory());
      assertThat(before).containsKey(Path.of("tentacle.json"));

      Run run = rotate(home);

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .contains("instance 'cli-dereg' is deregistered")
          .contains("cuttle tentacle new-certificate");
      assertUnchanged(home.directory(), before);
    }
  }

  private static Run rotate(TentacleHome home) {
    return cuttle(
        "tentacle",
        "rotate-certificate",
        "--instance",
        home.instance(),
        "--home",
        home.directory().getParent().toString());
  }

  private static String thumbprintOnDisk(Path directory) throws Exception {
    return Thumbprint.of(PemFiles.readCertificate(directory.resolve("cert.pem"))).toString();
  }

  private static Map<Path, byte[]> contents(Path home) throws Exception {
    Map<Path, byte[]> files = new LinkedHashMap<>();
    try (var all = Files.walk(home)) {
      for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
        files.put(home.relativize(p), Files.readAllBytes(p));
      }
    }
    return files;
  }

  /** The same files with the same bytes, key.pem, cert.pem and tentacle.json (if any) included. */
  private static void assertUnchanged(Path home, Map<Path, byte[]> before) throws Exception {
    assertThat(before).containsKey(Path.of("key.pem")).containsKey(Path.of("cert.pem"));
    Map<Path, byte[]> after = contents(home);
    assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
    before.forEach((p, bytes) -> assertThat(after.get(p)).as(p.toString()).isEqualTo(bytes));
  }
}
