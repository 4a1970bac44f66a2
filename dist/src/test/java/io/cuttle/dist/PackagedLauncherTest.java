package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher (/usr/bin/cuttle in the .deb, bin/cuttle in the tarball) finds a Java 17+
 * runtime, passes over older ones, and says plainly which package to install when there is none.
 * Run from a copy whose JVM folder (/usr/lib/jvm) is one of the test's and whose jar is a tiny
 * program, with a PATH holding only the tools the script uses, so the machine's own Java is found
 * only where the test puts it.
 */
class PackagedLauncherTest {
  private static final String REAL_JAVA_HOME = System.getProperty("java.home");

  @TempDir Path root;
  private Path jvms;
  private Path tools;

  @BeforeEach
  void aPathWithoutJava() throws Exception {
    jvms = Files.createDirectories(root.resolve("jvm"));
    tools = Files.createDirectories(root.resolve("tools"));
    for (String tool : List.of("readlink", "dirname", "sed", "head")) {
      Files.createSymbolicLink(tools.resolve(tool), Path.of("/usr/bin", tool));
    }
  }

  @Test
  void theDebLayoutRunsTheJarWithTheJavaOfJavaHome() throws Exception {
    Path launcher = install(root.resolve("deb"), "usr/bin", "usr/share/cuttle");

    Run run = run(launcher, Map.of("JAVA_HOME", REAL_JAVA_HOME));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).isEqualTo("probe ran\n");
  }

  @Test
  void theTarballLayoutFindsAJava17InTheJvmFolderThroughASymbolicLink() throws Exception {
    Path launcher = install(root.resolve("cuttle-1.0"), "bin", "lib");
    Path linked = Files.createDirectories(root.resolve("usr/local/bin")).resolve("cuttle");
    Files.createSymbolicLink(linked, launcher);
    Files.createSymbolicLink(jvms.resolve("java-17-openjdk"), Path.of(REAL_JAVA_HOME));

    Run run = run(linked, Map.of());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).isEqualTo("probe ran\n");
  }

  @Test
  void withNoJavaItNamesThePackageToInstall() throws Exception {
    Path launcher = install(root.resolve("deb"), "usr/bin", "usr/share/cuttle");

    Run run = run(launcher, Map.of());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("cuttle: needs a Java 17 or newer runtime and found none.")
        .contains("sudo apt-get install openjdk-17-jre-headless");
  }

  @Test
  void anOlderJavaIsPassedOverAndNamed() throws Exception {
    Path launcher = install(root.resolve("deb"), "usr/bin", "usr/share/cuttle");
    Path old = Files.createDirectories(jvms.resolve("java-11-openjdk/bin")).resolve("java");
    Files.writeString(old, "#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(old.getParent().resolveSibling("release"), "JAVA_VERSION=\"11.0.2\"\n");

    Run refused = run(launcher, Map.of());

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.output())
        .contains("found none (" + old + " is Java 11)")
        .contains("openjdk-17-jre-headless");

    Files.createSymbolicLink(jvms.resolve("java-17-openjdk"), Path.of(REAL_JAVA_HOME));
    Run ran = run(launcher, Map.of());
    assertThat(ran.exitCode()).as(ran.output()).isZero();
    assertThat(ran.output()).isEqualTo("probe ran\n");
  }

  /** The launcher in {@code bin}, a probe jar in {@code jarFolder}, both below {@code prefix}. */
  private Path install(Path prefix, String bin, String jarFolder) throws IOException {
    Path script = Path.of(System.getProperty("user.dir"), "src", "package", "bin", "cuttle");
    String text = Files.readString(script);
    assertThat(text).contains("/usr/lib/jvm/*/bin/java");
    Path launcher = Files.createDirectories(prefix.resolve(bin)).resolve("cuttle");
    Files.writeString(launcher, text.replace("/usr/lib/jvm/", jvms + "/"));
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    LauncherClassArchiveTest.writeProbeJar(
        Files.createDirectories(prefix.resolve(jarFolder)).resolve("cuttle.jar"));
    return launcher;
  }

  private record Run(int exitCode, String output) {}

  private Run run(Path launcher, Map<String, String> environment) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(launcher.toString()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", tools.toString());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
