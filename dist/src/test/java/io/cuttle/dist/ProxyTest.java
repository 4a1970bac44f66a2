package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.tentacle.TentacleProxy;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tentacles behind a corporate proxy: registration (REST) and polling (gRPC, mutual TLS) tunnel
 * through a real tinyproxy with HTTP CONNECT, with and without an account, and a proxy that says no
 * is explained in one line. The tentacles poll the legacy port by the name {@code localhost},
 * because tinyproxy resolves names with the system resolver, which does not know that {@code
 * polling.localhost} is this machine; the tunnel carries the bytes the same either way.
 */
@Timeout(180)
class ProxyTest {
  private static final String USER = "cuttle";
  private static final String PASSWORD = "s3cret-Pa55";

  @TempDir static Path dir;
  private static TestFleet fleet;
  private static final List<Tinyproxy> proxies = new ArrayList<>();
  private static Tinyproxy open;
  private static Tinyproxy withAccount;
  private static Tinyproxy webOnly;

  @BeforeAll
  static void startServerAndProxies() throws Exception {
    fleet = new TestFleet(dir.resolve("fleet"));
    List<Integer> serverPorts = List.of(fleet.publicPort(), fleet.legacyPort());
    open = proxy("open", serverPorts, null, null);
    withAccount = proxy("account", serverPorts, USER, PASSWORD);
    // As strict firewalls are: tunnels to the public (443-style) port only.
    webOnly = proxy("web-only", List.of(fleet.publicPort()), null, null);
  }

  private static Tinyproxy proxy(String name, List<Integer> ports, String user, String password)
      throws Exception {
    Tinyproxy proxy = Tinyproxy.start(dir.resolve("proxy-" + name), ports, user, password);
    proxies.add(proxy);
    return proxy;
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    for (Tinyproxy proxy : proxies) {
      proxy.close();
    }
  }

  private static String legacy() {
    return "localhost:" + fleet.legacyPort();
  }

  private static String web() {
    return "localhost:" + fleet.publicPort();
  }

  private static List<String> runOn(String tentacle, String script) throws Exception {
    TaskView task = fleet.runScript(script, List.of(tentacle), 60L);
    List<LogEntry> lines = fleet.follow(task.id());
    assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
    return lines.stream().map(LogEntry::text).toList();
  }

  private static String[] register(String instance, String... proxyOptions) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "tentacle",
                "register",
                "--instance",
                instance,
                "--home",
                tentacles(),
                "--server",
                fleet.server.info().webUrl(),
                "--api-key",
                fleet.server.adminApiKey(),
                "--comms-port",
                String.valueOf(fleet.legacyPort()),
                "--environment",
                "Test"));
    args.addAll(List.of(proxyOptions));
    return args.toArray(String[]::new);
  }

  private static TentacleHome home(String instance) {
    return fleet.home(instance);
  }

  /** Where the fleet keeps its tentacles, so the command line and the fleet share them. */
  private static String tentacles() {
    return fleet.directory.resolve("tentacles").toString();
  }

  @Test
  void registrationAndAScriptGoThroughTheProxy() throws Exception {
    TentacleHome home =
        fleet.register("proxied-1", null, TentacleProxy.http(open.url(), null, null));
    fleet.start(home);

    assertThat(runOn("proxied-1", "echo through the tunnel")).containsExactly("through the tunnel");

    // Registration tunnelled to the web port, polling to the legacy port; nothing else was asked.
    assertThat(open.connects()).contains(web(), legacy()).containsOnly(web(), legacy());
  }

  @Test
  void anAccountOnTheCommandLineIsUsedStoredOwnerOnlyAndNeverShown() throws Exception {
    Run run =
        cuttle(
            register(
                "account-1",
                "--proxy",
                withAccount.url(),
                "--proxy-user",
                USER,
                "--proxy-password",
                PASSWORD));
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("through " + withAccount.url() + " as user '" + USER + "'")
        .doesNotContain(PASSWORD);
    Path file = home("account-1").configFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file)).contains("\"mode\" : \"http\"", "\"username\" : \"cuttle\"");

    try (LogCapture logs = new LogCapture(TentacleAgent.class)) {
      fleet.start(home("account-1"));
      assertThat(runOn("account-1", "echo with an account")).containsExactly("with an account");
      assertThat(logs.messages())
          .anyMatch(m -> m.contains("through proxy " + withAccount.url()))
          .noneMatch(m -> m.contains(PASSWORD));
    }
    assertThat(withAccount.connects()).contains(web(), legacy());
  }

  @Test
  void aProxyWantingAnAccountSaysSoAndNothingIsStored() throws Exception {
    Run run = cuttle(register("no-account-1", "--proxy", withAccount.url()));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("The proxy " + withAccount.url())
        .contains("407 Proxy Authentication Required")
        .contains("ask the proxy admin for an account")
        .doesNotContain("Exception\n\tat ");
    assertThat(home("no-account-1").configFile()).doesNotExist();
  }

  @Test
  void aWrongPasswordIsExplainedInOneLineNotOnEveryRetry() throws Exception {
    assertThat(
            cuttle(
                    register(
                        "wrong-1",
                        "--proxy",
                        withAccount.url(),
                        "--proxy-user",
                        USER,
                        "--proxy-password",
                        PASSWORD))
                .exitCode())
        .isZero();
    Run change =
        cuttle(
            "tentacle",
            "polling-proxy",
            "--instance",
            "wrong-1",
            "--home",
            tentacles(),
            "--proxy",
            withAccount.url(),
            "--proxy-user",
            USER,
            "--proxy-password",
            "not-it");
    assertThat(change.exitCode()).as(change.err()).isZero();

    try (LogCapture logs = new LogCapture(TentacleAgent.class)) {
      long before = withAccount.connects().stream().filter(legacy()::equals).count();
      fleet.start(home("wrong-1"));
      // Let it retry a few times (backoff 1 s, 2 s, ...).
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> withAccount.connects().stream().filter(legacy()::equals).count() >= before + 3);

      List<String> refusals =
          logs.messages().stream().filter(m -> m.contains("did not accept")).toList();
      assertThat(refusals).hasSize(1);
      assertThat(refusals.get(0))
          .contains("The proxy " + withAccount.url() + " as user 'cuttle'")
          .contains("to a tunnel to " + legacy())
          .contains("ask the proxy admin to check the account 'cuttle'")
          .doesNotContain("not-it");
      assertThat(logs.eventsWithStackTraces()).isZero();
    }
  }

  @Test
  void aProxyForbiddingThePollingPortNamesWhatToAllow() throws Exception {
    // Registration reaches the web port; the legacy polling port is what the proxy forbids.
    TentacleHome home =
        fleet.register("forbidden-1", null, TentacleProxy.http(webOnly.url(), null, null));
    try (LogCapture logs = new LogCapture(TentacleAgent.class)) {
      fleet.start(home);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> logs.messages().stream().anyMatch(m -> m.contains("answered 403")));
      assertThat(logs.messages())
          .filteredOn(m -> m.contains("answered 403"))
          .singleElement()
          .asString()
          .contains("ask the proxy admin to allow CONNECT to " + legacy());
    }
  }

  @Test
  void withItsProxyStoppedATentacleNoLongerReachesTheServerAndSaysWhy() throws Exception {
    Tinyproxy doomed = proxy("doomed", List.of(fleet.publicPort(), fleet.legacyPort()), null, null);
    TentacleHome home =
        fleet.register("doomed-1", null, TentacleProxy.http(doomed.url(), null, null));
    try (LogCapture logs = new LogCapture(TentacleAgent.class)) {
      fleet.start(home);
      assertThat(runOn("doomed-1", "echo before")).containsExactly("before");

      doomed.close();
      TaskView task = fleet.runScript("echo after", List.of("doomed-1"), 60L);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> logs.messages().stream().anyMatch(m -> m.contains("Cannot reach the proxy")));
      Thread.sleep(4000); // a few more retries
      assertThat(fleet.task(task.id()).targets().get(0).state()).isEqualTo(CommandState.QUEUED);
      assertThat(logs.messages())
          .filteredOn(m -> m.contains("Cannot reach the proxy"))
          .singleElement()
          .asString()
          .contains(doomed.url())
          .contains("ask the proxy admin whether it is running");
    }
  }

  @Test
  void badProxyInputIsNamedAndLeavesTheStoredSettingAlone() throws Exception {
    fleet.register("settings-1", null, TentacleProxy.http(open.url(), null, null));
    Path file = home("settings-1").configFile();
    byte[] before = Files.readAllBytes(file);
    String base = tentacles();

    Run ftp =
        cuttle(
            "tentacle",
            "polling-proxy",
            "--instance",
            "settings-1",
            "--home",
            base,
            "--proxy",
            "ftp://x");
    Run noPort =
        cuttle(
            "tentacle",
            "polling-proxy",
            "--instance",
            "settings-1",
            "--home",
            base,
            "--proxy",
            "http://proxy.example.com");
    Run twoModes =
        cuttle(
            "tentacle",
            "polling-proxy",
            "--instance",
            "settings-1",
            "--home",
            base,
            "--proxy",
            open.url(),
            "--no-proxy");

    assertThat(ftp.exitCode()).isEqualTo(1);
    assertThat(ftp.err()).contains("--proxy: 'ftp://x' (expected: http://host:port)");
    assertThat(noPort.exitCode()).isEqualTo(1);
    assertThat(noPort.err())
        .contains(
            "--proxy: 'http://proxy.example.com' (expected: http://host:port; the port is missing)");
    assertThat(twoModes.exitCode()).isEqualTo(1);
    assertThat(twoModes.err()).contains("only one of --proxy URL, --no-proxy or --system-proxy");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);

    Run direct =
        cuttle(
            "tentacle", "polling-proxy", "--instance", "settings-1", "--home", base, "--no-proxy");
    assertThat(direct.exitCode()).isZero();
    assertThat(direct.out()).contains("now connects directly");
    assertThat(TentacleConfig.load(home("settings-1")).proxySetting())
        .isEqualTo(TentacleProxy.direct());
  }

  @Test
  void checkWalksThroughTheProxyTunnel() throws Exception {
    fleet.register("checked-1", null, TentacleProxy.http(open.url(), null, null));

    CommandLineTest.Run run =
        CommandLineTest.cuttle(
            "tentacle", "check", "--instance", "checked-1", "--home", tentacles());

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains(
            "TCP connection to the proxy 127.0.0.1:" + open.port(),
            "Proxy tunnel (CONNECT " + legacy() + ")",
            "opened the tunnel",
            "Route to the polling listener",
            "All checks passed");
  }

  @Test
  void checkNamesTheTunnelTheProxyForbids() throws Exception {
    fleet.register("checked-2", null, TentacleProxy.http(webOnly.url(), null, null));

    CommandLineTest.Run run =
        CommandLineTest.cuttle(
            "tentacle", "check", "--instance", "checked-2", "--home", tentacles());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains(
            "Proxy tunnel (CONNECT " + legacy() + ")",
            "FAILED",
            "ask the proxy admin to allow CONNECT to " + legacy() + " for this machine")
        .doesNotContain("TLS handshake");
  }
}
