package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * dist/target/cuttle-VERSION.tar.gz holds what the .deb installs, under one top folder: the
 * launcher (executable), the jar, the units, the example configuration and the licences. Made in
 * the package phase, so it runs after it, beside PackageInstallTest.
 */
@Tag("after-package")
class TarballContentsTest {
  @Test
  void theTarballHoldsTheLauncherJarUnitsConfigurationAndLicences() throws Exception {
    Path tarball;
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("user.dir"), "target"))) {
      List<Path> found =
          files.filter(f -> f.getFileName().toString().matches("cuttle-.*\\.tar\\.gz")).toList();
      assertThat(found).as("dist/target/cuttle-*.tar.gz (made by mvn package)").hasSize(1);
      tarball = found.get(0);
    }
    String top = tarball.getFileName().toString().replace(".tar.gz", "") + "/";
    Map<String, Integer> modes = new LinkedHashMap<>();
    try (InputStream file = Files.newInputStream(tarball);
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        assertThat(entry.getName()).startsWith(top);
        modes.put(entry.getName().substring(top.length()), entry.getMode() & 0777);
      }
    }

    assertThat(modes)
        .containsEntry("bin/cuttle", 0755)
        .containsEntry("lib/cuttle.jar", 0644)
        .containsEntry("systemd/cuttle-server.service", 0644)
        .containsEntry("systemd/cuttle-router.service", 0644)
        .containsEntry("systemd/cuttle-tentacle@.service", 0644)
        .containsEntry("config/server.conf", 0644)
        .containsEntry("config/router.yaml", 0644)
        .containsEntry("completion/cuttle", 0644)
        .containsEntry("LICENCES", 0644)
        .containsKey("doc/operations.md");
  }
}
