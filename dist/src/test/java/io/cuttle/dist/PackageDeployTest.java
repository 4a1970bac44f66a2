package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.dist.faults.FaultForwarder;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.DeployPackageRequest;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.PackageView;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.v1.FetchPackageChunkRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packages from push to a script running in the extracted folder, over real sockets and TLS: a
 * fetch cut in the middle carries on from where it stopped, a second deployment uses the cache, and
 * damaged bytes are never used.
 */
@Timeout(180)
class PackageDeployTest {
  private static final String DEPLOY_SH =
      String.join(
          "\n",
          "echo \"deployed $CUTTLE_PACKAGE_ID $CUTTLE_PACKAGE_VERSION on $CUTTLE_TENTACLE_NAME\"",
          "echo \"in $(basename \"$PWD\") with $(wc -c < payload.bin | tr -d ' ') payload bytes\"");

  @TempDir Path dir;

  @Test
  void aPackageIsFetchedAcrossACutLinkThenTakenFromTheCacheAndFetchedAgainWhenDamaged()
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir);
        FaultForwarder link =
            new FaultForwarder(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), fleet.publicPort()))) {
      TentacleHome home = fleet.register("far", "https://polling.localhost:" + link.port());
      fleet.start(home);
      awaitPolling(fleet, "far");
      Path file = zip("Acme.Web.1.2.0.zip", 3_000_000, null);
      PackageView pushed;
      try (ApiClient api = fleet.api()) {
        pushed = api.pushPackage(file, null, null);
      }
      assertThat(pushed.id()).isEqualTo("Acme.Web");
      assertThat(pushed.version()).isEqualTo("1.2.0");
      assertThat(pushed.sizeBytes()).isEqualTo(Files.size(file));

      link.cutOnceAfter(1_000_000);
      List<String> first = deploy(fleet, "far", null, TaskState.SUCCEEDED);

      assertThat(link.cuts()).isEqualTo(1);
      assertThat(first.get(0)).isEqualTo("Fetching Acme.Web 1.2.0 (3.0 MB)");
      String lost = first.stream().filter(l -> l.startsWith("Connection lost")).findFirst().get();
      long resumedAt = Long.parseLong(lost.replaceAll(".*resuming from byte ", ""));
      assertThat(resumedAt).isPositive().isLessThan(pushed.sizeBytes());
      assertThat(first)
          .contains(
              "Verified sha256 " + pushed.sha256(),
              "deployed Acme.Web 1.2.0 on far",
              "in package with 3000000 payload bytes");
      Path cached = home.packageDirectory().resolve(pushed.sha256());
      assertThat(cached).hasSameBinaryContentAs(file);
      assertThat(home.packageDirectory().resolve("partial")).isEmptyDirectory();

      List<String> second =
          deploy(fleet, "far", "echo \"own script in $(basename \"$PWD\")\"", TaskState.SUCCEEDED);
      assertThat(second).hasSize(3);
      assertThat(second.get(0)).isEqualTo("Using cached Acme.Web 1.2.0 (3.0 MB), sha256 verified");
      assertThat(second.get(1)).startsWith("Extracting Acme.Web 1.2.0 into ").endsWith("package");
      assertThat(second.get(2)).isEqualTo("own script in package");

      try (OutputStream damage = Files.newOutputStream(cached)) {
        damage.write("not the package".getBytes(StandardCharsets.UTF_8));
      }
      List<String> third = deploy(fleet, "far", null, TaskState.SUCCEEDED);
      assertThat(third.get(0))
          .startsWith("The cached copy of Acme.Web 1.2.0 is damaged")
          .endsWith("removed it and fetching again");
      assertThat(third).contains("Verified sha256 " + pushed.sha256());
      assertThat(cached).hasSameBinaryContentAs(file);
    }
  }

  @Test
  void wrongBytesFromTheServerAndAnEscapingEntryFailTheDeploymentClearly() throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("near", true);
      fleet.start(home);
      awaitPolling(fleet, "near");
      PackageView damaged;
      PackageView escaping;
      try (ApiClient api = fleet.api()) {
        damaged = api.pushPackage(zip("Damaged.1.0.0.zip", 1000, null), null, null);
        escaping = api.pushPackage(zip("Escaping.zip", 10, "../outside.txt"), "Escaping", "1.0.0");
      }
      Path blob =
          fleet
              .directory
              .resolve("server/packages/sha256")
              .resolve(damaged.sha256().substring(0, 2))
              .resolve(damaged.sha256());
      byte[] bytes = Files.readAllBytes(blob);
      bytes[bytes.length / 2] ^= 0x55;
      Files.write(blob, bytes);

      TargetView wrongHash = deployFailing(fleet, "near", damaged);
      assertThat(wrongHash.message())
          .contains("arrived with sha256")
          .contains("but the server said " + damaged.sha256())
          .contains("push the package again");
      assertThat(home.packageDirectory().resolve(damaged.sha256())).doesNotExist();
      assertThat(home.packageDirectory().resolve("partial").resolve(damaged.sha256()))
          .doesNotExist();

      TargetView refused = deployFailing(fleet, "near", escaping);
      assertThat(refused.message())
          .isEqualTo(
              "refused to extract package Escaping 1.0.0: entry '../outside.txt' would be"
                  + " written outside the folder the package is extracted to");
      assertThat(home.workDirectory().resolve(refused.commandId()).resolve("outside.txt"))
          .doesNotExist();
    }
  }

  @Test
  void aTentacleCannotFetchAPackageItWasNotSent() throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome target = fleet.register("target", true);
      TentacleHome bystander = fleet.register("bystander", true);
      PackageView pushed;
      try (ApiClient api = fleet.api()) {
        pushed = api.pushPackage(zip("Secret.1.0.0.zip", 100, null), null, null);
      }
      fleet.start(target);
      awaitPolling(fleet, "target");
      TaskView task = deployTask(fleet, "target", pushed.id(), pushed.version(), "sleep 30");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> fleet.task(task.id()).targets().get(0).state() == CommandState.RUNNING);
      String commandId = fleet.task(task.id()).targets().get(0).commandId();

      StatusRuntimeException refusal =
          catchThrowableOfType(
              () -> fetch(fleet, bystander, commandId, pushed.sha256()),
              StatusRuntimeException.class);

      assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(refusal.getStatus().getDescription())
          .contains("is not part of an unfinished command '" + commandId + "'");
      try (ApiClient api = fleet.api()) {
        api.cancel(task.id());
      }
    }
  }

  private static void fetch(TestFleet fleet, TentacleHome caller, String commandId, String sha256)
      throws Exception {
    try (TentacleCaller tentacle = new TentacleCaller(fleet, caller, Duration.ofSeconds(30))) {
      tentacle.polling.fetchPackageChunk(
          FetchPackageChunkRequest.newBuilder()
              .setTentacleId(tentacle.tentacleId)
              .setCommandId(commandId)
              .setSha256(sha256)
              .build());
    }
  }

  /** Deploying needs the capability the tentacle reports when it polls. */
  private static void awaitPolling(TestFleet fleet, String name) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              try (ApiClient api = fleet.api()) {
                return api.tentacles().stream()
                    .anyMatch(
                        t ->
                            t.name().equals(name)
                                && t.capabilities() != null
                                && t.capabilities().contains("package:zip"));
              }
            });
  }

  private static TaskView deployTask(
      TestFleet fleet, String tentacle, String id, String version, String script) {
    try (ApiClient api = fleet.api()) {
      return api.deployPackage(
          new DeployPackageRequest(
              id,
              version,
              script,
              null,
              null,
              List.of(),
              List.of(tentacle),
              60L,
              null,
              null,
              null));
    }
  }

  private static List<String> deploy(
      TestFleet fleet, String tentacle, String script, TaskState expected) throws Exception {
    TaskView task = deployTask(fleet, tentacle, "Acme.Web", "1.2.0", script);
    List<String> lines = fleet.follow(task.id()).stream().map(LogEntry::text).toList();
    assertThat(fleet.task(task.id()).state()).as(String.join("\n", lines)).isEqualTo(expected);
    return lines;
  }

  private static TargetView deployFailing(TestFleet fleet, String tentacle, PackageView pkg)
      throws Exception {
    TaskView task = deployTask(fleet, tentacle, pkg.id(), pkg.version(), null);
    fleet.follow(task.id());
    TargetView target = fleet.task(task.id()).targets().get(0);
    assertThat(target.state()).isEqualTo(CommandState.FAILED);
    return target;
  }

  /**
   * A zip holding deploy.sh and {@code payloadBytes} random (incompressible) bytes, plus an entry
   * named {@code extraEntry} when it is not null.
   */
  private Path zip(String name, int payloadBytes, String extraEntry) throws IOException {
    Path file = dir.resolve(name);
    byte[] payload = new byte[payloadBytes];
    new Random(42).nextBytes(payload);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry("deploy.sh"));
      zip.write(DEPLOY_SH.getBytes(StandardCharsets.UTF_8));
      zip.putNextEntry(new ZipEntry("payload.bin"));
      zip.write(payload);
      if (extraEntry != null) {
        zip.putNextEntry(new ZipEntry(extraEntry));
        zip.write("escaped".getBytes(StandardCharsets.UTF_8));
      }
      zip.closeEntry();
    }
    return file;
  }
}
