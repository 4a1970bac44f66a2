package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.testkit.ExternalProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code cuttle server}'s settings from options, CUTTLE_SERVER_* variables and a {@code --config}
 * file: which one wins, what {@code --print-config} shows, and the one sentence a wrong value gets.
 * The command line runs in this JVM with an environment of the test's own, except for the one real
 * start.
 */
@Timeout(180)
class ServerSettingsTest {

  static Run cuttle(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Cuttle.commandLine(environment);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Path file(Path dir, String... lines) throws Exception {
    return Files.write(dir.resolve("server.conf"), List.of(lines));
  }

  /** The line of --print-config's output for {@code name}. */
  private static String line(Run run, String name) {
    return run.out()
        .lines()
        .filter(line -> line.startsWith(name + " =") || line.startsWith("# " + name + " ="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + name + " in:\n" + run.out()));
  }

  @Test
  void anOptionBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault(@TempDir Path dir)
      throws Exception {
    Path config =
        file(
            dir,
            "# the operator's settings",
            "port = 1001",
            "",
            "legacy-port = 1002",
            "min-free-disk-mb = 7   # a comment after the value",
            "public-host = \"deploy.example.com\"");

    Run run =
        cuttle(
            Map.of("CUTTLE_SERVER_PORT", "2001", "CUTTLE_SERVER_LEGACY_PORT", "2002"),
            "server",
            "--config",
            config.toString(),
            "--port",
            "3001",
            "--print-config");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(line(run, "port")).matches("port = 3001 +# option --port");
    assertThat(line(run, "legacy-port"))
        .matches("legacy-port = 2002 +# environment variable CUTTLE_SERVER_LEGACY_PORT");
    assertThat(line(run, "min-free-disk-mb"))
        .matches("min-free-disk-mb = 7 +# " + java.util.regex.Pattern.quote(config + " line 5"));
    assertThat(line(run, "public-host")).startsWith("public-host = deploy.example.com ");
    assertThat(line(run, "handshake-timeout-seconds"))
        .matches("handshake-timeout-seconds = 10 +# default");
    assertThat(line(run, "node-name")).matches("# node-name = +# not set");
    assertThat(line(run, "config")).startsWith("# config = " + config);
    assertThat(run.err()).isEmpty();
  }

  @Test
  void theEnvironmentMayNameTheSettingsFile(@TempDir Path dir) throws Exception {
    Path config = file(dir, "port = 1001");

    Run run = cuttle(Map.of("CUTTLE_SERVER_CONFIG", config.toString()), "server", "--print-config");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(line(run, "port")).contains("port = 1001 ");
    assertThat(line(run, "config")).contains("environment variable CUTTLE_SERVER_CONFIG");
  }

  @Test
  void aRepeatableOptionTakesCommasOrRepeatedLines(@TempDir Path dir) throws Exception {
    Path config =
        file(
            dir,
            "routed-polling-port = 7443",
            "trusted-proxy = 10.0.0.5",
            "trusted-proxy = 10.0.1.0/24, 10.0.2.0/24");

    Run fromFile = cuttle(Map.of(), "server", "--config", config.toString(), "--print-config");
    Run fromEnvironment =
        cuttle(
            Map.of(
                "CUTTLE_SERVER_ROUTED_POLLING_PORT", "7443",
                "CUTTLE_SERVER_TRUSTED_PROXY", "10.0.0.6,10.0.0.7"),
            "server",
            "--print-config");

    assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
    assertThat(line(fromFile, "trusted-proxy"))
        .startsWith("trusted-proxy = 10.0.0.5,10.0.1.0/24,10.0.2.0/24 ");
    assertThat(fromEnvironment.exitCode()).as(fromEnvironment.err()).isZero();
    assertThat(line(fromEnvironment, "trusted-proxy"))
        .startsWith("trusted-proxy = 10.0.0.6,10.0.0.7 ");
  }

  @Test
  void theHelpShowsEverySettingsVariable() {
    Run help = cuttle(Map.of(), "server", "--help");
    // A long variable wraps onto the next line of the help.
    String helpText = help.out().replaceAll("\\s+", " ");
    CommandLine server = Cuttle.commandLine().getSubcommands().get("server");

    List<String> missing = new ArrayList<>();
    for (OptionSpec option : server.getCommandSpec().options()) {
      String variable =
          "CUTTLE_SERVER_"
              + option
                  .longestName()
                  .substring(2)
                  .toUpperCase(java.util.Locale.ROOT)
                  .replace('-', '_');
      boolean action = option.usageHelp() || option.longestName().equals("--print-config");
      if (!action && !helpText.contains("Environment: " + variable + ".")) {
        missing.add(variable);
      }
    }
    assertThat(help.exitCode()).isZero();
    assertThat(missing).as("variables the help does not show").isEmpty();
    assertThat(help.out())
        .contains("Environment: CUTTLE_SERVER_PORT.")
        .doesNotContain("CUTTLE_SERVER_PRINT_CONFIG");
  }

  @Test
  void aWrongValueIsOneSentenceNamingItsSourceTheSettingAndWhatIsExpected(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    Path config = file(dir, "data = " + data, "handshake-timeout-seconds = soon");

    Run notANumberInTheEnvironment =
        cuttle(Map.of("CUTTLE_SERVER_PORT", "https"), "server", "--data", data.toString());
    Run notANumberInTheFile = cuttle(Map.of(), "server", "--config", config.toString());
    Run outOfRangeInTheEnvironment =
        cuttle(Map.of("CUTTLE_SERVER_PORT", "70000"), "server", "--data", data.toString());
    Run outOfRangeInTheFile =
        cuttle(
            Map.of(),
            "server",
            "--config",
            file(dir, "data = " + data, "max-package-mb = 0").toString());
    Run badProxyInTheEnvironment =
        cuttle(
            Map.of(
                "CUTTLE_SERVER_ROUTED_POLLING_PORT", "7443",
                "CUTTLE_SERVER_TRUSTED_PROXY", "10.0.0.0/33"),
            "server",
            "--data",
            data.toString());
    Run outOfRangeAsAnOption =
        cuttle(Map.of(), "server", "--data", data.toString(), "--port", "70000");

    assertThat(notANumberInTheEnvironment.err().lines().toList())
        .containsExactly(
            "cuttle server: environment variable CUTTLE_SERVER_PORT: 'https' (expected: a whole"
                + " number)");
    assertThat(notANumberInTheFile.err().lines().toList())
        .containsExactly(
            "cuttle server: "
                + config
                + " line 2, handshake-timeout-seconds: 'soon' (expected: a whole number)");
    assertThat(outOfRangeInTheEnvironment.err().lines().toList())
        .containsExactly(
            "cuttle server: environment variable CUTTLE_SERVER_PORT: 70000 (expected: 0 to"
                + " 65535)");
    assertThat(outOfRangeInTheFile.err().lines().toList())
        .containsExactly("cuttle server: " + config + " line 2, max-package-mb: 0 (expected: > 0)");
    assertThat(badProxyInTheEnvironment.err().lines().toList())
        .containsExactly(
            "cuttle server: environment variable CUTTLE_SERVER_TRUSTED_PROXY: '10.0.0.0/33'"
                + " (expected: an address or CIDR such as 10.0.0.0/8)");
    assertThat(outOfRangeAsAnOption.err())
        .startsWith("cuttle server: --port: 70000 (expected: 0 to 65535)");
    for (Run refused :
        List.of(
            notANumberInTheEnvironment,
            notANumberInTheFile,
            outOfRangeInTheEnvironment,
            outOfRangeInTheFile,
            badProxyInTheEnvironment,
            outOfRangeAsAnOption)) {
      assertThat(refused.exitCode()).as(refused.err()).isIn(1, 2);
      assertThat(refused.out()).isEmpty();
    }
    assertThat(data).as("nothing started").doesNotExist();
  }

  @Test
  void aFileLineThatIsNoSettingIsRefusedWithItsLineAndTheNearestName(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("server.conf");

    assertThat(refusal(config, "prot = 8443"))
        .isEqualTo(
            config + " line 1: 'prot' is not a setting of cuttle server (did you mean 'port'?)");
    assertThat(refusal(config, "# ports", "port 8443"))
        .isEqualTo(config + " line 2 has no '=' (expected: name = value, e.g. port = 8443)");
    assertThat(refusal(config, "port = 1", "port = 2"))
        .isEqualTo(config + " line 2, port: set again (expected: once; it is first set on line 1)");
    assertThat(refusal(config, "port ="))
        .isEqualTo(
            config
                + " line 1, port: no value (expected: a value after '=', or remove the line to use"
                + " the default)");
    assertThat(refusal(config, "config = /etc/cuttle/other.conf"))
        .isEqualTo(
            config + " line 1, config: a settings file cannot name another (give one --config)");
    assertThat(refusal(config, "db-password = hunter2"))
        .isEqualTo(
            config
                + " line 1, db-password: the password is not written here (expected:"
                + " db-password-file = a file holding it, or the environment variable"
                + " CUTTLE_SERVER_DB_PASSWORD)");
  }

  /** The one line {@code cuttle server} refuses {@code lines} with, without its prefix. */
  private static String refusal(Path config, String... lines) throws Exception {
    Files.write(config, List.of(lines));
    Run run = cuttle(Map.of(), "server", "--config", config.toString(), "--print-config");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("cuttle server: ");
    return run.err().strip().substring("cuttle server: ".length());
  }

  @Test
  void aMisspeltVariableOrAMissingFileIsRefused(@TempDir Path dir) {
    Path missing = dir.resolve("missing.conf");

    Run misspelt = cuttle(Map.of("CUTTLE_SERVER_PROT", "8443"), "server", "--print-config");
    Run missingFile = cuttle(Map.of(), "server", "--config", missing.toString(), "--print-config");
    Run missingFromEnvironment =
        cuttle(Map.of("CUTTLE_SERVER_CONFIG", missing.toString()), "server", "--print-config");

    assertThat(misspelt.err().lines().toList())
        .containsExactly(
            "cuttle server: environment variable CUTTLE_SERVER_PROT is not a setting of cuttle"
                + " server (did you mean 'CUTTLE_SERVER_PORT'?)");
    assertThat(missingFile.err().lines().toList())
        .containsExactly(
            "cuttle server: --config: cannot read the settings file "
                + missing
                + " (no such file)");
    assertThat(missingFromEnvironment.err().lines().toList())
        .containsExactly(
            "cuttle server: environment variable CUTTLE_SERVER_CONFIG: cannot read the settings"
                + " file "
                + missing
                + " (no such file)");
  }

  @Test
  void printConfigRedactsTheDatabasePasswordAndTheUrlsCredentials(@TempDir Path dir)
      throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("db-password"), "s3cret-from-file\n");
    Path config =
        file(
            dir,
            "db = jdbc:postgresql://cuttle:s3cret-in-url@db.example.com/cuttle?password=s3cret-param",
            "db-password-file = " + passwordFile);

    Run run = cuttle(Map.of(), "server", "--config", config.toString(), "--print-config");
    Run fromEnvironment =
        cuttle(Map.of("CUTTLE_SERVER_DB_PASSWORD", "s3cret-from-env"), "server", "--print-config");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out() + fromEnvironment.out()).doesNotContain("s3cret");
    assertThat(line(run, "db"))
        .startsWith(
            "db = jdbc:postgresql://cuttle:(redacted)@db.example.com/cuttle?password=(redacted) ");
    assertThat(run.out())
        .contains("# database password: (redacted), from the file " + passwordFile);
    assertThat(fromEnvironment.out())
        .contains(
            "# database password: (redacted), from the environment variable"
                + " CUTTLE_SERVER_DB_PASSWORD");
  }

  @Test
  void theDatabasePasswordComesFromAFileOrTheEnvironmentNeverTheCommandLine(@TempDir Path dir)
      throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("db-password"), "pw");

    Run asAnOption = cuttle(Map.of(), "server", "--db-password", "pw", "--print-config");
    Run unsetVariable =
        cuttle(Map.of(), "server", "--db-password-env", "PGPASSWORD", "--print-config");
    Run both =
        cuttle(
            Map.of("CUTTLE_SERVER_DB_PASSWORD", "pw"),
            "server",
            "--db-password-file",
            passwordFile.toString(),
            "--print-config");
    Run missingFile =
        cuttle(
            Map.of("CUTTLE_SERVER_DB_PASSWORD_FILE", dir.resolve("nope").toString()),
            "server",
            "--print-config");

    assertThat(asAnOption.exitCode()).isEqualTo(2);
    assertThat(asAnOption.err())
        .contains("Unknown options: '--db-password'")
        .contains("--db-password-env, --db-password-file");
    assertThat(unsetVariable.err().lines().toList())
        .containsExactly(
            "cuttle server: --db-password-env: the environment has no variable PGPASSWORD"
                + " (expected: the name of the variable holding the database password)");
    assertThat(both.err().lines().toList())
        .containsExactly(
            "cuttle server: --db-password-file: the password also comes from the environment"
                + " variable CUTTLE_SERVER_DB_PASSWORD (expected: one of the two)");
    assertThat(missingFile.err().lines().toList())
        .containsExactly(
            "cuttle server: environment variable CUTTLE_SERVER_DB_PASSWORD_FILE: cannot read "
                + dir.resolve("nope")
                + " (no such file; expected: a file holding the database password)");
  }

  @Test
  void aServerStartsFromItsEnvironmentAndTheFileItNames(@TempDir Path dir) throws Exception {
    int filePort = TestFleet.freePort();
    int fileLegacyPort = TestFleet.freePort();
    int environmentLegacyPort = TestFleet.freePort();
    Path data = dir.resolve("data-from-file");
    Path config =
        file(
            dir,
            "data = " + data,
            "bind = 127.0.0.1",
            "port = " + filePort,
            "legacy-port = " + fileLegacyPort,
            "admin-address = 127.0.0.1:0");
    List<String> command = new ArrayList<>();
    command.add("env");
    command.add("CUTTLE_SERVER_CONFIG=" + config);
    command.add("CUTTLE_SERVER_LEGACY_PORT=" + environmentLegacyPort);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Cuttle.class.getName());
    command.add("server");

    try (ExternalProcess server =
        ExternalProcess.start("cuttle server", dir.resolve("server.log"), command)) {
      String output = server.awaitOutput("is up", Duration.ofMinutes(2));
      server.awaitListening(environmentLegacyPort);

      assertThat(output)
          .contains("https://localhost:" + filePort + "/")
          .contains("Polling via legacy port:     " + environmentLegacyPort);
      assertThat(output).contains("Admin API key:     in " + data.toAbsolutePath());
    }
  }
}
