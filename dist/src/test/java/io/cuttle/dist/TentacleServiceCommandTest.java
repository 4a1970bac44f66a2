package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static io.cuttle.dist.TentacleInstanceCommandsTest.createInstance;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.dist.CommandLineTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The systemd unit `service install` writes, checked as text; systemctl is never called. */
@Timeout(60)
class TentacleServiceCommandTest {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private static Run service(String action, String... args) {
    List<String> all = new ArrayList<>(List.of("tentacle", "service", action));
    all.addAll(List.of(args));
    return cuttle(all.toArray(String[]::new));
  }

  private static Path fakeJar(Path dir) throws Exception {
    return Files.writeString(dir.resolve("cuttle.jar"), "not really a jar");
  }

  @Test
  void installWritesAUnitThatRunsTheInstanceAndRestartsIt(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("instances");
    Path units = Files.createDirectories(dir.resolve("units"));
    Path jar = fakeJar(dir);
    createInstance(base, "web-01");

    Run run =
        service(
            "install",
            "--instance",
            "web-01",
            "--home",
            base.toString(),
            "--user",
            "deploy",
            "--jar",
            jar.toString(),
            "--unit-dir",
            units.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    Path unit = units.resolve("cuttle-tentacle-web-01.service");
    assertThat(Files.readAllLines(unit))
        .contains(
            "[Unit]",
            "Description=Cuttle tentacle web-01",
            "Wants=network-online.target",
            "After=network-online.target",
            "StartLimitIntervalSec=0",
            "[Service]",
            "User=deploy",
            "ExecStart="
                + JAVA
                + " -XX:+ExitOnOutOfMemoryError -jar "
                + jar
                + " tentacle run --instance web-01 --home "
                + base.toAbsolutePath(),
            "SuccessExitStatus=143",
            "Restart=on-failure",
            "RestartSec=10",
            "LimitNOFILE=65536",
            "UMask=0077",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "ReadWritePaths=" + base.toAbsolutePath(),
            "PrivateTmp=yes",
            "ProtectHome=yes",
            "[Install]",
            "WantedBy=multi-user.target")
        .noneMatch(line -> line.startsWith("Environment="));
    assertThat(run.out())
        .contains("Wrote " + unit)
        .contains("Its scripts may write only to " + base.toAbsolutePath())
        .contains("add --read-write-path DIR")
        .contains("sudo systemctl daemon-reload")
        .contains("sudo systemctl enable --now cuttle-tentacle-web-01.service")
        // The instance belongs to whoever runs the tests, not to "deploy".
        .contains("Warning: ")
        .contains("sudo chown -R deploy");
  }

  @Test
  void foldersTheScriptsWriteToStayWritableAndAHomeFolderAmongThemIsReadOnlyNotHidden(
      @TempDir Path dir) throws Exception {
    Path base = dir.resolve("instances");
    Path units = Files.createDirectories(dir.resolve("units"));
    createInstance(base, "web-01");

    Run run =
        service(
            "install",
            "--instance",
            "web-01",
            "--home",
            base.toString(),
            "--jar",
            fakeJar(dir).toString(),
            "--unit-dir",
            units.toString(),
            "--read-write-path",
            "/srv/shop",
            "--read-write-path",
            "/home/deploy/site files");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readAllLines(units.resolve("cuttle-tentacle-web-01.service")))
        .contains(
            "ReadWritePaths=" + base.toAbsolutePath() + " /srv/shop \"/home/deploy/site files\"",
            "ProtectSystem=strict",
            // Hidden, /home/deploy could not be reopened for the scripts.
            "ProtectHome=read-only");
    assertThat(run.out())
        .contains(
            "Its scripts may write only to "
                + base.toAbsolutePath()
                + ", /srv/shop, /home/deploy/site files");
  }

  @Test
  void installUsesCuttleHomeWhenTheInstanceIsFoundThroughIt(@TempDir Path dir) throws Exception {
    Path cuttleHome = dir.resolve("cuttle home");
    Path units = Files.createDirectories(dir.resolve("units"));
    Path jar = fakeJar(dir);
    createInstance(cuttleHome.resolve("tentacles"), "db-01");

    Run run =
        service(
            "install",
            "--instance",
            "db-01",
            "--cuttle-home",
            cuttleHome.toString(),
            "--jar",
            jar.toString(),
            "--unit-dir",
            units.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = Files.readAllLines(units.resolve("cuttle-tentacle-db-01.service"));
    assertThat(lines)
        .contains(
            "Environment=\"CUTTLE_HOME=" + cuttleHome + "\"",
            "User=" + System.getProperty("user.name"),
            "ExecStart="
                + JAVA
                + " -XX:+ExitOnOutOfMemoryError -jar "
                + jar
                + " tentacle run --instance db-01");
    assertThat(run.out()).doesNotContain("Warning");

    Run again =
        service(
            "install",
            "--instance",
            "db-01",
            "--cuttle-home",
            cuttleHome.toString(),
            "--jar",
            jar.toString(),
            "--unit-dir",
            units.toString());
    assertThat(again.out()).contains("Updated").contains("sudo systemctl restart");
  }

  @Test
  void installRefusesBadInputAndWritesNothing(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("instances");
    Path units = Files.createDirectories(dir.resolve("units"));
    Path jar = fakeJar(dir);
    createInstance(base, "web-01");
    record Case(String option, String value, String expected) {}
    for (Case c :
        List.of(
            new Case("--instance", "ghost", "there is no instance 'ghost'"),
            new Case("--user", "Root; rm", "--user: 'Root; rm' (expected:"),
            new Case(
                "--unit-dir",
                dir.resolve("nope").toString(),
                "--unit-dir: '" + dir.resolve("nope") + "' is not a folder"),
            new Case(
                "--jar",
                dir.resolve("missing.jar").toString(),
                "--jar: '" + dir.resolve("missing.jar") + "' is not a file"))) {
      java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
      options.put("--instance", "web-01");
      options.put("--home", base.toString());
      options.put("--unit-dir", units.toString());
      options.put("--jar", jar.toString());
      options.put(c.option(), c.value());
      List<String> args = new ArrayList<>();
      options.forEach((k, v) -> args.addAll(List.of(k, v)));

      Run run = service("install", args.toArray(String[]::new));

      assertThat(run.exitCode()).as(c.expected()).isEqualTo(1);
      assertThat(run.err()).as(c.expected()).contains(c.expected());
    }
    assertThat(units.toFile().list()).isEmpty();
  }

  @Test
  void installWithoutAJarSaysWhichToPass(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("instances");
    createInstance(base, "web-01");

    // Tests run from target/classes, not from a jar.
    Run run =
        service(
            "install",
            "--instance",
            "web-01",
            "--home",
            base.toString(),
            "--unit-dir",
            dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("cannot tell which jar to run").contains("pass --jar PATH");
  }

  @Test
  void uninstallRemovesTheUnitButNotWhileItIsEnabled(@TempDir Path dir) throws Exception {
    Path base = dir.resolve("instances");
    Path units = Files.createDirectories(dir.resolve("units"));
    createInstance(base, "web-01");
    service(
        "install",
        "--instance",
        "web-01",
        "--home",
        base.toString(),
        "--jar",
        fakeJar(dir).toString(),
        "--unit-dir",
        units.toString());
    Path unit = units.resolve("cuttle-tentacle-web-01.service");
    Path wants = Files.createDirectories(units.resolve("multi-user.target.wants"));
    Path link = Files.createSymbolicLink(wants.resolve(unit.getFileName()), unit);

    Run enabled = service("uninstall", "--instance", "web-01", "--unit-dir", units.toString());

    assertThat(enabled.exitCode()).isEqualTo(1);
    assertThat(enabled.err())
        .contains("is still enabled")
        .contains("sudo systemctl disable --now cuttle-tentacle-web-01.service");
    assertThat(unit).exists();

    Files.delete(link);
    Run removed = service("uninstall", "--instance", "web-01", "--unit-dir", units.toString());

    assertThat(removed.exitCode()).as(removed.err()).isZero();
    assertThat(unit).doesNotExist();
    assertThat(removed.out()).contains("sudo systemctl daemon-reload");
    assertThat(base.resolve("web-01").resolve("key.pem")).exists();

    Run missing = service("uninstall", "--instance", "web-01", "--unit-dir", units.toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("has no service installed there");
  }
}
