package io.cuttle.bench;

import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.testkit.ExternalProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code cuttle server} node behind standalone {@code cuttle router}s, each a process of its
 * own on loopback, as an operator would run them: the router sends {@code polling.localhost} to the
 * server's routed polling port with a PROXY v2 header. A fleet larger than one router process's
 * open files allow gets several router processes sharing one port ({@code reusePort},
 * docs/router.md). The routers can be restarted on that port while the server runs on.
 */
final class ServerNode implements AutoCloseable {
  static final String POLLING_HOST = "polling.localhost";
  private static final Pattern THUMBPRINT = Pattern.compile("Server thumbprint: ([0-9A-F]{64})");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /**
   * Tentacles one router process carries by default: two sockets each, under the 20,000 open files
   * a process may have on the bench machine, with room left for the JVM's own files.
   */
  static final int TENTACLES_PER_ROUTER = 8_000;

  private final Path dir;
  private final int routerPort;
  private final int routedPollingPort;
  private final int maxConnections;
  private final int routerCount;
  private final ExternalProcess server;
  private final int webPort;
  private final Thumbprint thumbprint;
  private final List<ExternalProcess> routers = new ArrayList<>();

  /** A node for {@code tentacles}, with one router process per {@code tentaclesPerRouter}. */
  ServerNode(Path dir, int tentacles, int tentaclesPerRouter)
      throws IOException, InterruptedException {
    this.dir = dir;
    // Headroom for tentacles reconnecting while their old connection is not yet closed.
    this.maxConnections = tentacles + 100;
    this.routerCount = (tentacles + tentaclesPerRouter - 1) / tentaclesPerRouter;
    this.webPort = RouterTarget.freePort();
    this.routedPollingPort = RouterTarget.freePort();
    this.routerPort = RouterTarget.freePort();
    Path data = dir.resolve("server-data");
    server =
        ExternalProcess.start(
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
                "--admin-address",
                "127.0.0.1:0",
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
      startRouters();
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

  /** The public port's URL, where the web app and its API answer. */
  String webUrl() {
    return "https://localhost:" + webPort;
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

  int routerCount() {
    return routerCount;
  }

  /** Stops the routers (live connections get one second to finish) and starts them again. */
  void restartRouters() throws IOException, InterruptedException {
    closeRouters();
    startRouters();
  }

  private void startRouters() throws IOException, InterruptedException {
    Path config = dir.resolve("router.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "listen: [127.0.0.1:" + routerPort + "]",
            "reusePort: " + (routerCount > 1),
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
    for (int i = 1; i <= routerCount; i++) {
      routers.add(
          ExternalProcess.start(
              "cuttle router " + i,
              dir.resolve("router-" + i + ".log"),
              CuttleCommand.of(List.of(), "router", "--config", config.toString())));
    }
    // They start side by side; each says when it listens (the port alone cannot tell them apart).
    for (ExternalProcess router : routers) {
      router.awaitOutput("Cuttle router listening", START_TIMEOUT);
    }
  }

  private void closeRouters() throws InterruptedException {
    for (ExternalProcess router : routers) {
      router.close();
    }
    routers.clear();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      closeRouters();
    } finally {
      server.close();
    }
  }
}
