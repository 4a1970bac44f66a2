package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.client.ApiException;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.DeployRequest;
import io.cuttle.wire.api.DeploymentView;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release with a package step deployed by real tentacles over TLS: each fetches and extracts the
 * package and runs its hooks in order, and the package cannot be deleted while the release uses it.
 */
@Timeout(180)
class PackageStepEndToEndTest {
  @TempDir Path dir;

  @Test
  void aPackageStepRunsThePackagesHooksInOrderOnEveryTarget() throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("web-1", true));
      fleet.start(fleet.register("web-2", false));
      awaitPackageCapability(fleet, List.of("web-1", "web-2"));
      try (ApiClient api = fleet.api()) {
        api.pushPackage(
            zip(
                "Shop.Web.2.0.0.zip",
                Map.of(
                    "predeploy.sh", "echo \"pre on $CUTTLE_TENTACLE_NAME for $CUTTLE_RELEASE\"",
                    "deploy.sh", "echo \"deploy $CUTTLE_PACKAGE_ID $CUTTLE_PACKAGE_VERSION\"")),
            null,
            null);
        api.createProject(
            new ProjectRequest(
                "shop",
                "the web shop",
                List.of(
                    new StepSpec(
                        "site",
                        "package",
                        List.of("web"),
                        1,
                        null,
                        null,
                        "Shop.Web",
                        null,
                        null))));
        CommandLineTest.Run release =
            CommandLineTest.cuttle(
                "release",
                "create",
                "--project",
                "shop",
                "--version",
                "7",
                "--server",
                fleet.server.info().webUrl(),
                "--api-key",
                fleet.server.adminApiKey(),
                "--server-thumbprint",
                fleet.server.thumbprint().toString());
        assertThat(release.exitCode()).as(release.err()).isZero();
        assertThat(release.out())
            .as("the latest version pushed is pinned")
            .contains("  step site deploys Shop.Web 2.0.0");

        DeploymentView deployment = api.deploy(new DeployRequest("shop", "7", "Test"));
        List<LogEntry> log = fleet.follow(deployment.taskId());

        TaskView task = fleet.task(deployment.taskId());
        assertThat(task.state()).as(log.toString()).isEqualTo(TaskState.SUCCEEDED);
        for (String target : List.of("web-1", "web-2")) {
          assertThat(
                  log.stream()
                      .filter(l -> l.tentacleName().equals(target))
                      .map(LogEntry::text)
                      .filter(t -> !t.startsWith("Fetching") && !t.startsWith("Verified"))
                      .filter(t -> !t.startsWith("Extracting") && !t.startsWith("Using cached")))
              .containsExactly(
                  "Running predeploy.sh",
                  "pre on " + target + " for 7",
                  "Running deploy.sh",
                  "deploy Shop.Web 2.0.0");
        }
        assertThat(log).extracting(LogEntry::stepName).containsOnly("site");

        ApiException refused =
            catchThrowableOfType(() -> api.deletePackage("Shop.Web", "2.0.0"), ApiException.class);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.getMessage()).contains("is still used by release 7 of shop");
        assertThat(api.packages()).extracting(p -> p.id()).contains("Shop.Web");
      }
    }
  }

  @Test
  void aPackageWithoutHooksFailsItsTargetSayingWhatToAdd() throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("web-1", true));
      awaitPackageCapability(fleet, List.of("web-1"));
      try (ApiClient api = fleet.api()) {
        api.pushPackage(zip("Bare.1.0.0.zip", Map.of("readme.txt", "no hooks")), null, null);
        api.createProject(
            new ProjectRequest(
                "bare",
                null,
                List.of(
                    new StepSpec(
                        "app", "package", List.of(), null, null, null, "Bare", null, null))));
        api.createRelease("bare", new CreateReleaseRequest("1", Map.of("Bare", "1.0.0")));

        DeploymentView deployment = api.deploy(new DeployRequest("bare", "1", "Test"));
        List<LogEntry> log = fleet.follow(deployment.taskId());

        assertThat(fleet.task(deployment.taskId()).state()).isEqualTo(TaskState.FAILED);
        assertThat(log)
            .extracting(LogEntry::text)
            .contains(
                "package Bare 1.0.0 has none of predeploy.sh deploy.sh postdeploy.sh at its top;"
                    + " add one, or give the step a script");
      }
    }
  }

  private static void awaitPackageCapability(TestFleet fleet, List<String> names) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              try (ApiClient api = fleet.api()) {
                return api.tentacles().stream()
                        .filter(
                            t ->
                                t.capabilities() != null
                                    && t.capabilities().contains("package:zip"))
                        .filter(t -> names.contains(t.name()))
                        .count()
                    == names.size();
              }
            });
  }

  private Path zip(String name, Map<String, String> entries) throws IOException {
    Path file = dir.resolve(name);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
      }
      zip.closeEntry();
    }
    return file;
  }
}
