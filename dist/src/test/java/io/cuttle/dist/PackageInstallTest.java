package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cuttle.testkit.ExternalProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb as an operator meets it (issue 14, "Packages and services"): installed with apt-get, its
 * units verified by systemd-analyze, the server and a tentacle started from the installed units and
 * configuration as the cuttle user, a tentacle registered and a script run with the installed
 * {@code cuttle}, an upgrade (the same package installed again) that keeps the data and the edited
 * configuration, and a purge that removes the configuration and says what it leaves.
 *
 * <p>systemd does not run in CI's container, so the units' ExecStart lines are started as systemd
 * would start them ({@link UnitFile}: their user, group, folder, umask and environment, with
 * NoNewPrivileges) but without its sandbox; systemd-analyze checks the sandbox settings.
 *
 * <p>It changes the machine (a package, a system user, /etc/cuttle, /var/lib/cuttle), so it runs
 * only as root, as CI does; it refuses a machine that already has any of them, and removes them all
 * again, even when it fails. It needs the .deb, so Maven runs it after the package phase
 * (dist/pom.xml, the "after-package" tag); it listens on free loopback ports only.
 */
@Tag("after-package")
@Timeout(600)
@TestMethodOrder(OrderAnnotation.class)
class PackageInstallTest {
  private static final Path CONFIG = Path.of("/etc/cuttle/server.conf");
  private static final Path DATA = Path.of("/var/lib/cuttle");
  private static final Path SERVER_DATA = DATA.resolve("server");
  private static final Path UNITS = Path.of("/lib/systemd/system");
  private static final Duration START = Duration.ofMinutes(2);
  private static final String SCRIPT = "echo \"hello from $(id -un) in $(pwd)\"";

  @TempDir static Path dir;
  private static Path deb;
  private static boolean ours;
  private static int port;
  private static String thumbprint;
  private static final List<ExternalProcess> running = new ArrayList<>();

  record Run(int exitCode, String output) {}

  @BeforeAll
  static void install() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "installs a package and creates a system user: runs as root only (as in CI)");
    ExternalProcess.require("apt-get", "apt");
    ExternalProcess.require("systemd-analyze", "systemd");
    ExternalProcess.require("setpriv", "util-linux");
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("user.dir"), "target"))) {
      List<Path> debs =
          files.filter(f -> f.getFileName().toString().matches("cuttle_.*_all\\.deb")).toList();
      assertThat(debs).as("dist/target/cuttle_*_all.deb (made by mvn package)").hasSize(1);
      deb = debs.get(0);
    }
    if (packagePresent()
        || Files.exists(DATA, LinkOption.NOFOLLOW_LINKS)
        || Files.exists(Path.of("/etc/cuttle"))
        || run("getent", "passwd", "cuttle").exitCode() == 0) {
      fail(
          "this machine already has the cuttle package, its user, /etc/cuttle or /var/lib/cuttle;"
              + " this test installs and purges them and would destroy that: remove them first"
              + " (apt-get purge cuttle; rm -rf /var/lib/cuttle; deluser --system cuttle)");
    }
    ours = true;

    Run install = apt("install", "./" + deb.getFileName());

    assertThat(install.exitCode()).as(install.output()).isZero();
    assertThat(install.output()).contains("Cuttle is installed. Nothing runs yet");
  }

  @AfterAll
  static void removeEverything() throws Exception {
    stopAll();
    if (!ours) {
      return;
    }
    if (packagePresent()) {
      apt("purge", "cuttle");
    }
    run("rm", "-rf", DATA.toString(), "/etc/cuttle");
    if (run("getent", "passwd", "cuttle").exitCode() == 0) {
      run("deluser", "--system", "cuttle");
    }
  }

  @Test
  @Order(1)
  void itInstallsTheLauncherJarUnitsConffilesUserAndAnOwnerOnlyDataFolder() throws Exception {
    assertThat(Path.of("/usr/bin/cuttle")).isExecutable();
    assertThat(Path.of("/usr/share/cuttle/cuttle.jar")).isRegularFile();
    for (String unit :
        List.of("cuttle-server.service", "cuttle-router.service", "cuttle-tentacle@.service")) {
      assertThat(UNITS.resolve(unit)).isRegularFile();
    }
    assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", "cuttle").output())
        .contains("/etc/cuttle/server.conf", "/etc/cuttle/router.yaml");
    assertThat(run("dpkg-query", "-W", "-f=${Depends}", "cuttle").output())
        .contains("java17-runtime-headless");
    assertThat(run("getent", "passwd", "cuttle").output()).contains(":/var/lib/cuttle:");
    assertThat(Files.getOwner(DATA).getName()).isEqualTo("cuttle");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA)))
        .isEqualTo("rwx------");
    // The settings may come to hold secrets: root writes them, the cuttle group reads them.
    assertThat(Files.getAttribute(Path.of("/etc/cuttle"), "posix:group").toString())
        .isEqualTo("cuttle");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(CONFIG)))
        .isEqualTo("rw-r-----");
    // The installed completion, sourced in a real bash, completes a command.
    Run completion =
        run(
            "bash",
            "--norc",
            "-c",
            "source /usr/share/bash-completion/completions/cuttle; COMP_WORDS=(cuttle fle);"
                + " COMP_CWORD=1; COMP_LINE='cuttle fle'; COMP_POINT=10;"
                + " _complete_cuttle 2>/dev/null; echo \"offered: ${COMPREPLY[*]}\"");
    assertThat(completion.output()).as(completion.output()).contains("offered: fleet");
    Run version = run("/usr/bin/cuttle", "--version");
    assertThat(version.output()).startsWith("cuttle ");
    // The example the router unit starts from is one the router accepts.
    Run routerCheck =
        run("/usr/bin/cuttle", "router", "--check", "--config", "/etc/cuttle/router.yaml");
    assertThat(routerCheck.exitCode()).as(routerCheck.output()).isZero();
    assertThat(routerCheck.output()).contains("/etc/cuttle/router.yaml is valid.");
  }

  @Test
  @Order(2)
  void everyInstalledUnitPassesSystemdAnalyzeVerify() throws Exception {
    // A template is verified through one of its instances.
    Run verify =
        run(
            dir,
            Map.of(),
            "systemd-analyze",
            "verify",
            UNITS.resolve("cuttle-server.service").toString(),
            UNITS.resolve("cuttle-router.service").toString(),
            "cuttle-tentacle@web-01.service");

    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).isEmpty();
  }

  @Test
  @Order(3)
  void theServerAndATentacleRunFromTheInstalledUnitsAndSurviveAnUpgrade() throws Exception {
    port = TestFleet.freePort();
    editConfiguration(port, TestFleet.freePort());
    ExternalProcess server = startServer();
    thumbprint = matching(server.output(), "Server thumbprint: ([0-9A-F]{64})");
    String apiKey = Files.readString(SERVER_DATA.resolve("admin-api-key")).strip();

    Run register =
        asCuttle(
            Map.of("CUTTLE_API_KEY", apiKey),
            "/usr/bin/cuttle",
            "tentacle",
            "register",
            "--instance",
            "web-01",
            "--server",
            web(),
            "--server-thumbprint",
            thumbprint,
            "--comms-address",
            "https://polling.localhost:" + port,
            "--environment",
            "Production");
    assertThat(register.exitCode()).as(register.output()).isZero();
    assertThat(register.output()).contains("Registered tentacle 'web-01'");
    Path instance = DATA.resolve(".cuttle/tentacles/web-01");
    assertThat(instance).isDirectory();
    startTentacle();
    assertScriptRunsAsCuttle(apiKey);
    assertServiceInstallWritesAUnitThatVerifies();

    stopAll();
    Run upgrade = apt("install", "--reinstall", "./" + deb.getFileName());

    assertThat(upgrade.exitCode()).as(upgrade.output()).isZero();
    assertThat(upgrade.output())
        .containsPattern("Unpacking cuttle \\(.*\\) over \\(.*\\)")
        .doesNotContain("Cuttle is installed. Nothing runs yet");
    assertThat(Files.readString(CONFIG)).contains("port = " + port, "# edited by the test");
    assertThat(Files.readString(SERVER_DATA.resolve("admin-api-key")).strip()).isEqualTo(apiKey);
    assertThat(instance.resolve("key.pem")).exists();
    // The same identity (the pinned thumbprint), the same registration, the same key.
    startServer();
    startTentacle();
    assertScriptRunsAsCuttle(apiKey);
  }

  @Test
  @Order(4)
  void purgeRemovesTheConfigurationAndSaysThatTheDataAndUserStay() throws Exception {
    stopAll();

    Run purge = apt("purge", "cuttle");

    assertThat(purge.exitCode()).as(purge.output()).isZero();
    assertThat(purge.output())
        .contains("removed the configuration in /etc/cuttle")
        .contains("left the data in /var/lib/cuttle")
        .contains("sudo rm -rf /var/lib/cuttle && sudo deluser --system cuttle");
    assertThat(Path.of("/etc/cuttle")).doesNotExist();
    assertThat(Path.of("/usr/bin/cuttle")).doesNotExist();
    assertThat(UNITS.resolve("cuttle-server.service")).doesNotExist();
    assertThat(SERVER_DATA.resolve("admin-api-key")).exists();
    assertThat(run("getent", "passwd", "cuttle").exitCode()).isZero();
  }

  /** What an operator does first: the ports, loopback only (the test's are free ports). */
  private static void editConfiguration(int web, int legacy) throws IOException {
    int admin = TestFleet.freePort();
    String edited =
        Files.readString(CONFIG)
                .replaceAll("(?m)^port = .*$", "port = " + web)
                .replaceAll("(?m)^legacy-port = .*$", "legacy-port = " + legacy)
                .replaceAll("(?m)^admin-address = .*$", "admin-address = 127.0.0.1:" + admin)
            + "# edited by the test\nbind = 127.0.0.1\n";
    assertThat(edited)
        .contains("port = " + web, "legacy-port = " + legacy, "admin-address = 127.0.0.1:" + admin);
    Files.writeString(CONFIG, edited);
  }

  private static ExternalProcess startServer() throws Exception {
    ExternalProcess server =
        start("cuttle-server", UnitFile.read(UNITS.resolve("cuttle-server.service")), null);
    server.awaitOutput("is up.", START);
    assertThat(server.output()).contains("Web UI and API:   " + web() + "/");
    return server;
  }

  private static void startTentacle() throws Exception {
    ExternalProcess tentacle =
        start(
            "cuttle-tentacle@web-01",
            UnitFile.read(UNITS.resolve("cuttle-tentacle@.service")),
            "web-01");
    tentacle.awaitOutput("connected to", START);
  }

  private static ExternalProcess start(String name, UnitFile unit, String instance)
      throws Exception {
    Path output = dir.resolve(name + "-" + running.size() + ".log");
    ExternalProcess process = ExternalProcess.start(name, output, unit.command(instance));
    running.add(process);
    return process;
  }

  private static void stopAll() throws InterruptedException {
    for (ExternalProcess process : running) {
      process.close();
    }
    running.clear();
  }

  private static void assertScriptRunsAsCuttle(String apiKey) throws Exception {
    Run script =
        run(
            dir,
            Map.of("CUTTLE_API_KEY", apiKey),
            "/usr/bin/cuttle",
            "script",
            "--server",
            web(),
            "--server-thumbprint",
            thumbprint,
            "--tentacle",
            "web-01",
            "--",
            SCRIPT);
    assertThat(script.exitCode()).as(script.output()).isZero();
    assertThat(script.output()).contains("hello from cuttle in /var/lib/cuttle");
  }

  /** The unit `service install` writes has the packaged units' shape, and verifies too. */
  private static void assertServiceInstallWritesAUnitThatVerifies() throws Exception {
    Path units = Files.createDirectories(dir.resolve("units"));
    Run install =
        run(
            dir,
            Map.of(),
            "/usr/bin/cuttle",
            "tentacle",
            "service",
            "install",
            "--instance",
            "web-01",
            "--home",
            DATA.resolve(".cuttle/tentacles").toString(),
            "--user",
            "cuttle",
            "--unit-dir",
            units.toString());
    assertThat(install.exitCode()).as(install.output()).isZero();
    Path unit = units.resolve("cuttle-tentacle-web-01.service");
    assertThat(Files.readAllLines(unit))
        .contains(
            "User=cuttle",
            "Restart=on-failure",
            "LimitNOFILE=65536",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "ReadWritePaths=/var/lib/cuttle/.cuttle/tentacles",
            "PrivateTmp=yes",
            "ProtectHome=yes")
        .anyMatch(
            line -> line.startsWith("ExecStart=") && line.contains("/usr/share/cuttle/cuttle.jar"));
    Run verify = run(dir, Map.of(), "systemd-analyze", "verify", unit.toString());
    assertThat(verify.exitCode()).as(verify.output()).isZero();
    assertThat(verify.output()).isEmpty();
  }

  /** Installed, or removed with its configuration left: anything but absent or purged. */
  private static boolean packagePresent() throws Exception {
    Run status = run("dpkg-query", "-W", "-f=${Status}", "cuttle");
    return status.exitCode() == 0 && !status.output().strip().endsWith("not-installed");
  }

  private static String web() {
    return "https://localhost:" + port;
  }

  private static String matching(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as(regex + " in:\n" + text).isTrue();
    return matcher.group(1);
  }

  private static Run apt(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=120"));
    command.addAll(List.of(args));
    return run(
        deb.getParent(),
        Map.of("DEBIAN_FRONTEND", "noninteractive"),
        command.toArray(String[]::new));
  }

  private static Run asCuttle(Map<String, String> env, String... command) throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of("setpriv", "--reuid=cuttle", "--regid=cuttle", "--init-groups", "--"));
    all.addAll(List.of(command));
    return run(dir, env, all.toArray(String[]::new));
  }

  private static Run run(String... command) throws Exception {
    return run(dir, Map.of(), command);
  }

  private static Run run(Path workingDirectory, Map<String, String> env, String... command)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail(String.join(" ", command) + " did not finish");
    }
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
