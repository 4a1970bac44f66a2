package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every way Cuttle starts a JVM for good passes -XX:+ExitOnOutOfMemoryError: after an
 * OutOfMemoryError a server may have lost its database probe and closed its H2 store, so it must
 * exit and be restarted whole rather than stay up as a zombie. The ./cuttle launcher (which the
 * demo and a server run through) and the packaged launcher (/usr/bin/cuttle, which the packaged
 * systemd units run) are read here; the unit `service install` writes is
 * TentacleServiceCommandTest's; test processes (ExternalProcess) pass it too.
 */
class ExitOnOutOfMemoryTest {
  @Test
  void theLauncherScriptPassesTheFlagOnEveryJavaItStarts() throws Exception {
    Path script = Path.of(System.getProperty("user.dir")).resolveSibling("cuttle");
    List<String> javaStarts =
        Files.readAllLines(script).stream()
            .map(String::strip)
            .filter(line -> !line.startsWith("#"))
            .filter(line -> line.matches("(exec )?java\\b.*"))
            .toList();
    assertThat(javaStarts)
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).contains("java -XX:+ExitOnOutOfMemoryError "));
  }

  @Test
  void thePackagedLauncherPassesTheFlagOnEveryJavaItStarts() throws Exception {
    Path script = Path.of(System.getProperty("user.dir"), "src", "package", "bin", "cuttle");
    List<String> javaStarts =
        Files.readAllLines(script).stream()
            .map(String::strip)
            .filter(line -> !line.startsWith("#"))
            .filter(line -> line.matches("(exec )?\"?\\$\\{?java\\b.*"))
            .toList();
    assertThat(javaStarts)
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).contains("java\" -XX:+ExitOnOutOfMemoryError "));
  }
}
