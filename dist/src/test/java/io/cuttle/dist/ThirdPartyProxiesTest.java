package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.testkit.ExternalProcess;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's own nginx or HAProxy on the public port instead of Cuttle's router, configured
 * exactly as docs/reverse-proxy.md says: a real tentacle polls through it and the web app answers
 * through it, with TLS end to end.
 */
@Timeout(180)
class ThirdPartyProxiesTest {
  /** Where Debian's libnginx-mod-stream puts the module; nginx.org's builds have it built in. */
  private static final Path DEBIAN_NGINX_STREAM_MODULE =
      Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

  @Test
  void nginxStreamWithSslPrereadCarriesPollingAndWebTraffic(@TempDir Path dir) throws Exception {
    Path nginx = ExternalProcess.require("nginx", "nginx libnginx-mod-stream");
    try (TestFleet fleet = new TestFleet(dir.resolve("fleet"))) {
      int proxyPort = TestFleet.freePort();
      String stream =
          ReverseProxyDoc.substitute(
              ReverseProxyDoc.testedBlock("nginx"),
              "nginx",
              Map.of(
                  "listen 443;", "listen 127.0.0.1:" + proxyPort + ";",
                  "polling.deploy.example.com", "polling.localhost",
                  "10.0.0.5:10943", "127.0.0.1:" + fleet.server.legacyPollingPort(),
                  "10.0.0.5:8443", "127.0.0.1:" + fleet.server.publicPort()));
      Path prefix = Files.createDirectories(dir.resolve("nginx"));
      Path config = prefix.resolve("nginx.conf");
      Files.writeString(
          config,
          streamModule(nginx) + "pid " + prefix.resolve("nginx.pid") + ";\nevents {}\n" + stream,
          StandardCharsets.UTF_8);

      try (ExternalProcess proxy =
          ExternalProcess.start(
              "nginx",
              prefix.resolve("output.log"),
              List.of(
                  nginx.toString(),
                  "-e",
                  "stderr",
                  "-p",
                  prefix + "/",
                  "-c",
                  config.toString(),
                  "-g",
                  "daemon off; error_log stderr;"))) {
        proxy.awaitListening(proxyPort);

        // No PROXY header from nginx: the tentacle arrives through the legacy port.
        assertPollingAndWebAppWorkThrough(fleet, proxyPort, "behind-nginx", Route.LEGACY);
      }
    }
  }

  @Test
  void haproxyTcpModeWithReqSslSniCarriesPollingAndWebTraffic(@TempDir Path dir) throws Exception {
    Path haproxy = ExternalProcess.require("haproxy", "haproxy");
    try (TestFleet fleet =
        new TestFleet(
            dir.resolve("fleet"),
            b ->
                b.routedPollingAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .trustedProxies(List.of("127.0.0.1")))) {
      int proxyPort = TestFleet.freePort();
      String sections =
          ReverseProxyDoc.substitute(
              ReverseProxyDoc.testedBlock("haproxy"),
              "haproxy",
              Map.of(
                  "bind :443", "bind 127.0.0.1:" + proxyPort,
                  "polling.deploy.example.com", "polling.localhost",
                  "10.0.0.5:10944", "127.0.0.1:" + fleet.server.routedPollingPort(),
                  "10.0.0.5:8443", "127.0.0.1:" + fleet.server.publicPort()));
      Path folder = Files.createDirectories(dir.resolve("haproxy"));
      Path config = folder.resolve("haproxy.cfg");
      Files.writeString(config, sections, StandardCharsets.UTF_8);

      try (ExternalProcess proxy =
          ExternalProcess.start(
              "haproxy",
              folder.resolve("output.log"),
              List.of(haproxy.toString(), "-db", "-f", config.toString()))) {
        proxy.awaitListening(proxyPort);

        // PROXY v2 into the routed door: the server files the tentacle under the router route.
        assertPollingAndWebAppWorkThrough(fleet, proxyPort, "behind-haproxy", Route.ROUTER);
      }
    }
  }

  /**
   * Registers a tentacle through the proxy, runs a script on it and fetches the web app through the
   * proxy with curl checking the server's certificate. The tentacle pins the server's thumbprint,
   * so its script running at all proves TLS was passed through, not terminated.
   */
  private static void assertPollingAndWebAppWorkThrough(
      TestFleet fleet, int proxyPort, String name, Route expectedRoute) throws Exception {
    fleet.start(
        fleet.registerThrough(
            name, "https://localhost:" + proxyPort, "https://polling.localhost:" + proxyPort));

    TaskView task =
        fleet.runScript("echo \"hello from $CUTTLE_TENTACLE_NAME\"", List.of(name), 60L);
    assertThat(fleet.follow(task.id()))
        .extracting(LogEntry::text)
        .containsExactly("hello from " + name);
    TargetView target = fleet.task(task.id()).targets().get(0);
    assertThat(target.state()).isEqualTo(CommandState.SUCCEEDED);
    assertThat(target.route())
        .as("the door the server saw, as the doc says")
        .isEqualTo(expectedRoute);

    String health =
        curl(
            "--cacert",
            fleet.serverCertificate().toString(),
            "--resolve",
            "localhost:" + proxyPort + ":127.0.0.1",
            "https://localhost:" + proxyPort + "/api/health");
    assertThat(health).contains("\"status\":\"ok\"");
    assertThat(fleet.server.publicPortStats().routed("web")).isPositive();

    // Fail closed, as the doc promises: input that is not TLS gets no answer from anyone.
    assertThat(plainHttpAnswer(proxyPort)).doesNotContain("HTTP/1.1");
  }

  private static String plainHttpAnswer(int port) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(15_000);
      socket
          .getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: polling.localhost\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    } catch (SocketException reset) {
      return ""; // reset by the proxy or the router: also no answer
    }
  }

  /** curl's output; fails with it when curl fails, e.g. when the certificate does not verify. */
  private static String curl(String... arguments) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
    assertThat(process.exitValue()).as("curl " + command + ":\n" + output).isZero();
    return output;
  }

  /**
   * Debian builds the stream module as a loadable module that its own nginx.conf loads; this test
   * writes its own nginx.conf, so it loads the module itself.
   */
  private static String streamModule(Path nginx) throws Exception {
    if (Files.exists(DEBIAN_NGINX_STREAM_MODULE)) {
      return "load_module " + DEBIAN_NGINX_STREAM_MODULE + ";\n";
    }
    Process version = new ProcessBuilder(nginx.toString(), "-V").redirectErrorStream(true).start();
    String flags = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    version.waitFor(10, TimeUnit.SECONDS);
    if (flags.contains("--with-stream ") || flags.endsWith("--with-stream")) {
      return ""; // built in
    }
    throw new AssertionError(
        "nginx has no stream module and "
            + DEBIAN_NGINX_STREAM_MODULE
            + " is missing: install the Debian package libnginx-mod-stream (.ci/run installs it)");
  }
}
