package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./cuttle launcher starts the JVM from the class-data archive the build makes beside the jar,
 * but only while the archive is newer than the jar, and never lets the JVM's complaint about an
 * unusable archive into a command's output. Run against a copy of the launcher whose jar is a tiny
 * program, so the test needs no build of the real jar.
 */
class LauncherClassArchiveTest {
  private static final String SHARED = "LauncherProbe source: shared objects file (top)";

  @TempDir Path root;
  private Path launcher;
  private Path jar;
  private Path archive;

  @BeforeEach
  void aCheckoutWithABuiltJar() throws Exception {
    launcher = root.resolve("cuttle");
    Path real = Path.of(System.getProperty("user.dir")).resolveSibling("cuttle");
    Files.copy(real, launcher, StandardCopyOption.COPY_ATTRIBUTES);
    Path target = Files.createDirectories(root.resolve("dist/target"));
    jar = target.resolve("cuttle.jar");
    archive = target.resolve("cuttle.jsa");
    writeProbeJar(jar);
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
    Run training =
        run(
            List.of(
                javaPath(),
                "-XX:ArchiveClassesAtExit=" + archive,
                "-Xlog:cds*=off",
                "-jar",
                jar.toString()),
            Map.of());
    assertThat(training.exitCode()).as(training.output()).isZero();
    assertThat(archive).exists();
  }

  @Test
  void aFreshArchiveIsUsed() throws Exception {
    Run run = launch(Map.of("CUTTLE_JAVA_OPTS", "-Xlog:class+load=info"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("probe ran").contains(SHARED);
  }

  @Test
  void anArchiveOlderThanTheJarIsLeftAloneWithoutAWord() throws Exception {
    Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(120)));

    Run run = launch(Map.of("CUTTLE_JAVA_OPTS", "-Xlog:class+load=info"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("probe ran").doesNotContain(SHARED);
    assertThat(launch(Map.of()).output())
        .as("nothing but the program's own output")
        .isEqualTo("probe ran\n");
  }

  @Test
  void anArchiveOfAnotherJarIsRefusedSilently() throws Exception {
    writeProbeJar(jar); // rebuilt: same path, other contents, and the archive still looks newer
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(30)));

    Run run = launch(Map.of());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).isEqualTo("probe ran\n");
  }

  @Test
  void theArchiveCanBeSwitchedOff() throws Exception {
    Run run =
        launch(Map.of("CUTTLE_CLASS_ARCHIVE", "off", "CUTTLE_JAVA_OPTS", "-Xlog:class+load=info"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("probe ran").doesNotContain(SHARED);
  }

  private Run launch(Map<String, String> environment) throws Exception {
    return run(List.of(launcher.toString()), environment);
  }

  private record Run(int exitCode, String output) {}

  private Run run(List<String> command, Map<String, String> environment) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    builder.environment().remove("CUTTLE_JAVA_OPTS");
    builder.environment().remove("CUTTLE_CLASS_ARCHIVE");
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output;
    try (InputStream in = process.getInputStream()) {
      output = in.readAllBytes();
    }
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private static String javaPath() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A jar whose main class prints one line; each call writes a different jar (its timestamp). */
  static void writeProbeJar(Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
    String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        InputStream probe = LauncherProbe.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      probe.transferTo(out);
      out.putNextEntry(new JarEntry("built-at-" + System.nanoTime()));
      out.closeEntry();
    }
  }
}
