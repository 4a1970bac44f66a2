package io.cuttle.bench;

import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.Thumbprint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code cuttle server} node behind a standalone {@code cuttle router}, each a process of its
 * own on loopback, as an operator would run them: the router sends {@code polling.localhost} to the
 * server's routed polling port with a PROXY v2 header. The router can be restarted on the same port
 * while the server runs on.
 */
final class ServerNode implements AutoCloseable {
  static final String POLLING_HOST = "polling.localhost";
  private static final Pattern THUMBPRINT = Pattern.compile("Server thumbprint: ([0-9A-F]{64})");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path dir;
  private final int routerPort;
  private final int routedPollingPort;
  private final int maxConnections;
  private final ExternalProgram server;
  private final int webPort;
  private final Thumbprint thumbprint;
  private ExternalProgram router;

  ServerNode(Path dir, int maxConnections) throws IOException, InterruptedException {
    this.dir = dir;
    this.maxConnections = maxConnections;
    this.webPort = RouterTarget.freePort();
    this.routedPollingPort = RouterTarget.freePort();
    this.routerPort = RouterTarget.freePort();
    Path data = dir.resolve("server-data");
    server =
        ExternalProgram.start(
            "cuttle server",
            dir.resolve("server.log"),
            CuttleCommand.of(
                List.of(),
                "server",
                "--data",
                data.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                Integer.toString(webPort),
                "--legacy-port",
                Integer.toString(RouterTarget.freePort()),
                "--routed-polling-port",
                Integer.toString(routedPollingPort),
                "--trusted-proxy",
                "127.0.0.1"));
    try {
      Matcher printed = THUMBPRINT.matcher(server.awaitOutput("Admin API key", START_TIMEOUT));
      if (!printed.find()) {
        throw new IllegalStateException("cuttle server printed no thumbprint:\n" + server.output());
      }
      thumbprint = Thumbprint.parse(printed.group(1));
      startRouter();
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Where simulated tentacles poll: the router, by SNI. */
  String pollingUrl() {
    return "https://" + POLLING_HOST + ":" + routerPort;
  }

  Thumbprint thumbprint() {
    return thumbprint;
  }

  ApiClient api() throws IOException {
    String key =
        Files.readString(
                dir.resolve("server-data").resolve("admin-api-key"), StandardCharsets.UTF_8)
            .trim();
    return ApiClient.connect("https://localhost:" + webPort, key, thumbprint);
  }

  long serverPid() {
    return server.pid();
  }

  long serverResidentBytes() {
    return server.residentBytes();
  }

  boolean serverAlive() {
    return ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Stops the router (live connections get one second to finish) and starts it again. */
  void restartRouter() throws IOException, InterruptedException {
    router.close();
    startRouter();
  }

  private void startRouter() throws IOException, InterruptedException {
    Path config = dir.resolve("router.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "listen: [127.0.0.1:" + routerPort + "]",
            "drainTimeout: 1s",
            "limits:",
            "  maxConnections: " + maxConnections,
            "  perSource: { rate: 0, burst: 1 }   # every simulated tentacle comes from 127.0.0.1",
            "upstreams:",
            "  polling:",
            "    endpoints: [127.0.0.1:" + routedPollingPort + "]",
            "    proxyProtocol: true",
            "routes:",
            "  - name: polling",
            "    sni: [" + POLLING_HOST + "]",
            "    polling: true",
            "    upstream: polling",
            ""),
        StandardCharsets.UTF_8);
    router =
        ExternalProgram.start(
            "cuttle router",
            dir.resolve("router.log"),
            CuttleCommand.of(List.of(), "router", "--config", config.toString()));
    router.awaitListening(routerPort, START_TIMEOUT);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      if (router != null) {
        router.close();
      }
    } finally {
      server.close();
    }
  }
}
