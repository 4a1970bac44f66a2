package io.cuttle.common.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

  @Test
  void createsOnceThenLoadsTheSameIdentity(@TempDir Path dir) throws Exception {
    Path home = dir.resolve("identity");
    Identity created = PemFiles.loadOrCreate(home, "server", List.of("localhost"));
    Identity loaded = PemFiles.loadOrCreate(home, "server", List.of("localhost"));

    assertThat(loaded.thumbprint()).isEqualTo(created.thumbprint());
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve(PemFiles.KEY_FILE))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
        .isEqualTo("rwx------");
  }

  @Test
  void refusesToReplaceAHalfWrittenPair(@TempDir Path dir) throws Exception {
    PemFiles.loadOrCreate(dir, "server", List.of());
    Files.delete(dir.resolve(PemFiles.CERTIFICATE_FILE));
    byte[] keyBefore = Files.readAllBytes(dir.resolve(PemFiles.KEY_FILE));

    assertThatThrownBy(() -> PemFiles.loadOrCreate(dir, "server", List.of()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("without")
        .hasMessageContaining(PemFiles.CERTIFICATE_FILE);
    assertThat(Files.readAllBytes(dir.resolve(PemFiles.KEY_FILE))).isEqualTo(keyBefore);
  }

  @Test
  void namesTheFileThatIsNotPem(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(PemFiles.KEY_FILE), "not a key");
    Files.writeString(dir.resolve(PemFiles.CERTIFICATE_FILE), "not a certificate");

    assertThatThrownBy(() -> PemFiles.read(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(PemFiles.KEY_FILE);
  }
}
