package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.server.data.Secrets;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.api.VariableRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server and a tentacle write to disk is theirs alone: their folders are created 700 and
 * every key and secret in them 600, so another account on the machine reads nothing.
 */
@Timeout(120)
class OwnerOnlyFilesTest {
  private static final Set<String> SECRET_FILES =
      Set.of(
          PemFiles.KEY_FILE,
          "admin-api-key",
          "admin-password",
          Secrets.FILE,
          TentacleHome.CONFIG_FILE);

  @Test
  void theServersDataFolderAndATentaclesHomeAreOwnerOnlyAndSoIsEverySecretInThem(@TempDir Path dir)
      throws Exception {
    Path serverData;
    TentacleHome home;
    try (TestFleet fleet = new TestFleet(dir)) {
      serverData = dir.resolve("server");
      home = fleet.register("alpha", true);
      fleet.start(home);
      TaskView task = fleet.runScript("echo hello", List.of("alpha"), 30L);
      fleet.follow(task.id());
      assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
      try (ApiClient api = fleet.api()) {
        api.createProject(
            new ProjectRequest(
                "shop",
                "",
                List.of(
                    new StepSpec(
                        "hello",
                        "script",
                        List.of(),
                        null,
                        "bash",
                        "echo hello",
                        null,
                        null,
                        null))));
        api.addVariable("shop", new VariableRequest("DB_PASSWORD", "s3cret", true, null, null));
      }
    }

    assertThat(permissions(serverData)).isEqualTo("rwx------");
    assertThat(permissions(home.directory())).isEqualTo("rwx------");
    List<Path> secrets =
        Stream.concat(files(serverData).stream(), files(home.directory()).stream())
            .filter(file -> SECRET_FILES.contains(file.getFileName().toString()))
            .toList();
    assertThat(secrets)
        .as("every kind of secret, and both private keys, were written: " + secrets)
        .hasSizeGreaterThanOrEqualTo(SECRET_FILES.size() + 1);
    for (Path secret : secrets) {
      assertThat(permissions(secret)).as(secret.toString()).isEqualTo("rw-------");
    }
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }
}
