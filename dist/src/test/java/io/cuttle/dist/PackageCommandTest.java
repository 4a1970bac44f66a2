package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code cuttle package ...}: push, list, deploy and delete, as a person types them. */
@Timeout(120)
class PackageCommandTest {
  @Test
  void aPackageIsPushedListedDeployedAndDeleted(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("web-1", true));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                try (ApiClient api = fleet.api()) {
                  return api.tentacles().get(0).capabilities().contains("package:zip");
                }
              });
      String server = fleet.server.info().webUrl();
      String key = fleet.server.adminApiKey();
      Path file = dir.resolve("Acme.Web.1.2.0.zip");
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
        zip.putNextEntry(new ZipEntry("deploy.sh"));
        zip.write("echo \"hello from $CUTTLE_PACKAGE_ID\"".getBytes(StandardCharsets.UTF_8));
      }

      CommandLineTest.Run push =
          cuttle("package", "push", "--server", server, "--api-key", key, file.toString());
      assertThat(push.exitCode()).as(push.err()).isZero();
      assertThat(push.out()).startsWith("Pushed Acme.Web 1.2.0  zip  ");

      CommandLineTest.Run half =
          cuttle(
              "package",
              "push",
              "--server",
              server,
              "--api-key",
              key,
              "--id",
              "X",
              file.toString());
      assertThat(half.exitCode()).isEqualTo(1);
      assertThat(half.err()).contains("give both --id and --version");

      CommandLineTest.Run list = cuttle("package", "list", "--server", server, "--api-key", key);
      assertThat(list.out()).contains("Acme.Web 1.2.0  zip").contains("by admin");

      CommandLineTest.Run deploy =
          cuttle(
              "package",
              "deploy",
              "--server",
              server,
              "--api-key",
              key,
              "--tentacle",
              "web-1",
              "Acme.Web",
              "1.2.0");
      assertThat(deploy.exitCode()).as(deploy.out() + deploy.err()).isZero();
      assertThat(deploy.out()).contains("Fetching Acme.Web 1.2.0").contains("hello from Acme.Web");

      Path source = Files.createDirectories(dir.resolve("source"));
      Files.writeString(source.resolve("deploy.sh"), "echo \"tarball $CUTTLE_PACKAGE_VERSION\"");
      Path tarGz = dir.resolve("build-output.tar.gz");
      Process tar =
          new ProcessBuilder("tar", "czf", tarGz.toString(), "-C", source.toString(), ".")
              .redirectErrorStream(true)
              .start();
      assertThat(tar.waitFor()).isZero();
      CommandLineTest.Run pushTar =
          cuttle(
              "package",
              "push",
              "--server",
              server,
              "--api-key",
              key,
              "--id",
              "Acme.Tools",
              "--version",
              "2.0.0-beta.1",
              tarGz.toString());
      assertThat(pushTar.out()).startsWith("Pushed Acme.Tools 2.0.0-beta.1  tar.gz  ");
      CommandLineTest.Run deployTar =
          cuttle(
              "package",
              "deploy",
              "--server",
              server,
              "--api-key",
              key,
              "Acme.Tools",
              "2.0.0-beta.1");
      assertThat(deployTar.exitCode()).as(deployTar.out() + deployTar.err()).isZero();
      assertThat(deployTar.out()).contains("tarball 2.0.0-beta.1");

      CommandLineTest.Run delete =
          cuttle("package", "delete", "--server", server, "--api-key", key, "Acme.Web", "1.2.0");
      assertThat(delete.out()).contains("Deleted Acme.Web 1.2.0");
      CommandLineTest.Run again =
          cuttle("package", "delete", "--server", server, "--api-key", key, "Acme.Web", "1.2.0");
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.err()).contains("no package Acme.Web 1.2.0 is stored");
    }
  }

  @Test
  void namesThatCouldLeaveThePackageStoreAreRefusedSayingWhatIsAllowed(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      String server = fleet.server.info().webUrl();
      String key = fleet.server.adminApiKey();
      Path file = dir.resolve("app.zip");
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
        zip.putNextEntry(new ZipEntry("deploy.sh"));
      }
      Path store = dir.resolve("server").resolve("packages");
      List<Path> storeBefore = everything(store);

      for (String id : List.of("../escaped", "a/b", "a\\b", "%2e%2e")) {
        CommandLineTest.Run push =
            cuttle(
                "package",
                "push",
                "--server",
                server,
                "--api-key",
                key,
                "--id",
                id,
                "--version",
                "1.0.0",
                file.toString());
        assertThat(push.exitCode()).as(id).isEqualTo(1);
        // A '..' anywhere in the URL is refused by the web server before the route reads it.
        assertThat(push.err())
            .as(id)
            .containsAnyOf(
                "package id: '" + id + "' (expected: 1 to 100 letters, digits",
                "never contain '..'");
      }
      for (String version : List.of("../1.0.0", "1.0/..", "latest")) {
        CommandLineTest.Run delete =
            cuttle("package", "delete", "--server", server, "--api-key", key, "App", version);
        assertThat(delete.exitCode()).as(version).isEqualTo(1);
        assertThat(delete.err())
            .as(version)
            .containsAnyOf("package version: '" + version + "' (expected:", "never contain '..'");
      }
      assertThat(everything(store)).isEqualTo(storeBefore);
      assertThat(dir.resolve("server").resolve("escaped")).doesNotExist();
    }
  }

  private static List<Path> everything(Path folder) throws java.io.IOException {
    try (java.util.stream.Stream<Path> all = Files.walk(folder)) {
      return all.sorted().toList();
    }
  }
}
