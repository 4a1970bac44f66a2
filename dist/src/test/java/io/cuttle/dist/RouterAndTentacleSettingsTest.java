package io.cuttle.dist;

import static io.cuttle.dist.ServerSettingsTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.testkit.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cuttle router} and {@code cuttle tentacle run} take their options from CUTTLE_ROUTER_* and
 * CUTTLE_TENTACLE_* variables and a settings file as the server does ({@link ServerSettingsTest}).
 * The router's {@code --config} was already its YAML, so its settings file is {@code --settings}.
 */
@Timeout(180)
class RouterAndTentacleSettingsTest {
  private static final String ROUTER_YAML =
      """
      listen: 127.0.0.1:0
      upstreams:
        web: { endpoints: [127.0.0.1:8443] }
      routes:
        - { name: web, default: true, upstream: web }
      """;

  @Test
  void theRoutersYamlMayBeNamedByItsVariableOrItsSettingsFileAndAnOptionBeatsBoth(@TempDir Path dir)
      throws Exception {
    Path yaml = Files.writeString(dir.resolve("router.yaml"), ROUTER_YAML);
    Path settings = Files.writeString(dir.resolve("router.conf"), "config = " + yaml + "\n");
    Path missing = dir.resolve("missing.yaml");

    Run fromVariable = cuttle(Map.of("CUTTLE_ROUTER_CONFIG", yaml.toString()), "router", "--check");
    Run fromFile = cuttle(Map.of(), "router", "--settings", settings.toString(), "--check");
    Run optionWins =
        cuttle(
            Map.of("CUTTLE_ROUTER_CONFIG", missing.toString()),
            "router",
            "--config",
            yaml.toString(),
            "--check");

    for (Run run : List.of(fromVariable, fromFile, optionWins)) {
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out()).contains(yaml + " is valid.");
    }
  }

  @Test
  void aWrongRouterSettingNamesItsSource(@TempDir Path dir) throws Exception {
    Path yaml = Files.writeString(dir.resolve("router.yaml"), ROUTER_YAML);
    Path settings = dir.resolve("router.conf");

    Run badRoute =
        cuttle(Map.of("CUTTLE_ROUTER_ROUTE", "polling.example.com"), "router", "--default", "h:1");
    Files.writeString(settings, "listen = 0.0.0.0:443\n");
    Run flagsBesideTheYaml =
        cuttle(Map.of(), "router", "--settings", settings.toString(), "--config", yaml.toString());
    Files.writeString(settings, "config = " + yaml + "\nproxy-protocol = yes\n");
    Run notABoolean = cuttle(Map.of(), "router", "--settings", settings.toString());
    Files.writeString(settings, "rout = a=b:1\n");
    Run misspelt = cuttle(Map.of(), "router", "--settings", settings.toString());

    assertThat(badRoute.err().lines().toList())
        .containsExactly(
            "cuttle router: environment variable CUTTLE_ROUTER_ROUTE: 'polling.example.com'"
                + " (expected: NAME=HOST:PORT)");
    assertThat(flagsBesideTheYaml.err().lines().toList())
        .containsExactly(
            "cuttle router: --config: give either a file or --listen/--route/--default/--admin,"
                + " not both ("
                + settings
                + " line 1, listen is set)");
    assertThat(notABoolean.err().lines().toList())
        .containsExactly(
            "cuttle router: "
                + settings
                + " line 2, proxy-protocol: 'yes' (expected: true or false)");
    assertThat(misspelt.err().lines().toList())
        .containsExactly(
            "cuttle router: "
                + settings
                + " line 1: 'rout' is not a setting of cuttle router (did you mean 'route'?)");
    for (Run run : List.of(badRoute, flagsBesideTheYaml, notABoolean, misspelt)) {
      assertThat(run.exitCode()).isIn(1, 2);
    }
  }

  @Test
  void theHelpShowsTheVariables() {
    String router = cuttle(Map.of(), "router", "--help").out();
    String run = cuttle(Map.of(), "tentacle", "run", "--help").out();

    assertThat(router)
        .contains(
            "Environment: CUTTLE_ROUTER_CONFIG.",
            "Environment: CUTTLE_ROUTER_LISTEN.",
            "Environment: CUTTLE_ROUTER_ROUTE.",
            "Environment: CUTTLE_ROUTER_SETTINGS.")
        .doesNotContain("CUTTLE_ROUTER_CHECK");
    assertThat(run)
        .contains(
            "Environment: CUTTLE_TENTACLE_INSTANCE.",
            "Environment: CUTTLE_TENTACLE_HOME.",
            "Environment: CUTTLE_TENTACLE_CONFIG.");
  }

  @Test
  void aRouterRunsFromItsVariablesAndSettingsFile(@TempDir Path dir) throws Exception {
    int port = TestFleet.freePort();
    int adminPort = TestFleet.freePort();
    Path settings =
        Files.writeString(
            dir.resolve("router.conf"),
            "# flags mode, from a file\ndefault = 127.0.0.1:1\nadmin = 127.0.0.1:"
                + adminPort
                + "\n");
    List<String> command = new ArrayList<>();
    command.add("env");
    command.add("CUTTLE_ROUTER_SETTINGS=" + settings);
    command.add("CUTTLE_ROUTER_LISTEN=127.0.0.1:" + port);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Cuttle.class.getName());
    command.add("router");

    try (ExternalProcess router =
        ExternalProcess.start("cuttle router", dir.resolve("router.log"), command)) {
      String output = router.awaitOutput("Admin (metrics", Duration.ofMinutes(2));
      router.awaitListening(port).awaitListening(adminPort);

      assertThat(output)
          .contains("Cuttle router listening on [/127.0.0.1:" + port + "]")
          .contains("http://127.0.0.1:" + adminPort);
    }
  }

  @Test
  void tentacleRunTakesItsInstanceAndHomeFromTheEnvironmentOrItsFile(@TempDir Path dir)
      throws Exception {
    Path home = dir.resolve("tentacles");
    Path settings =
        Files.writeString(dir.resolve("tentacle.conf"), "instance = web-1\nhome = " + home + "\n");

    Run fromFile = cuttle(Map.of(), "tentacle", "run", "--config", settings.toString());
    Run environmentBeatsFile =
        cuttle(
            Map.of(
                "CUTTLE_TENTACLE_CONFIG",
                settings.toString(),
                "CUTTLE_TENTACLE_INSTANCE",
                "web-2",
                // What a script run by another tentacle has: not a setting, and no mistake.
                "CUTTLE_TENTACLE_NAME",
                "web-0"),
            "tentacle",
            "run");
    Run misspelt =
        cuttle(
            Map.of("CUTTLE_TENTACLE_INSTNCE", "web-1"),
            "tentacle",
            "run",
            "--config",
            settings.toString());
    Run badName =
        cuttle(
            Map.of("CUTTLE_TENTACLE_INSTANCE", "web 1"),
            "tentacle",
            "run",
            "--home",
            home.toString());

    assertThat(fromFile.exitCode()).isEqualTo(1);
    assertThat(fromFile.err())
        .contains("tentacle instance 'web-1' is not registered (no " + home.resolve("web-1"));
    assertThat(environmentBeatsFile.err())
        .contains("tentacle instance 'web-2' is not registered (no " + home.resolve("web-2"));
    assertThat(misspelt.err().lines().toList())
        .containsExactly(
            "cuttle tentacle run: environment variable CUTTLE_TENTACLE_INSTNCE is not a setting of"
                + " cuttle tentacle run (did you mean 'CUTTLE_TENTACLE_INSTANCE'?)");
    assertThat(badName.err().lines().toList())
        .containsExactly(
            "cuttle tentacle run: environment variable CUTTLE_TENTACLE_INSTANCE: 'web 1' (expected:"
                + " 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit)");
  }
}
