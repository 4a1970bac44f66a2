package io.cuttle.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @Test
  void replacesContentAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    AtomicFiles.write(file, "one".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(file, "two".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.readString(file)).isEqualTo("two");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void privateFilesAreOwnerOnlyFromTheStart(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("nested/admin-api-key");
    AtomicFiles.writePrivate(secret, "s3cret".getBytes(StandardCharsets.UTF_8));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
        .isEqualTo("rw-------");
  }
}
