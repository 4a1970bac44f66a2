package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.client.TaskFollower;
import io.cuttle.server.CuttleServer;
import io.cuttle.server.ServerConfig;
import io.cuttle.server.ServerConfigBuilder;
import io.cuttle.tentacle.Registration;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.tentacle.TentacleProxy;
import io.cuttle.testkit.PrometheusText;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.TaskView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real server on loopback with real tentacles, for end-to-end tests: every part talks over real
 * sockets and real TLS, as it does in production. Polls are held briefly so tests stay quick.
 */
public final class TestFleet implements AutoCloseable {
  public final Path directory;
  // 0 until the first start: the kernel picks free ports as the server binds them. Picking them
  // beforehand raced with every other socket on the machine (a test once lost its port between
  // the pick and the bind); a restart reuses what the first start got.
  private int publicPort;
  private int legacyPort;
  public CuttleServer server;
  private final List<TentacleAgent> agents = new ArrayList<>();
  private final UnaryOperator<ServerConfigBuilder> extraConfig;

  public TestFleet(Path directory) throws IOException {
    this(directory, b -> b);
  }

  /** A fleet whose server is also configured by {@code extraConfig}. */
  public TestFleet(Path directory, UnaryOperator<ServerConfigBuilder> extraConfig)
      throws IOException {
    this.directory = directory;
    this.extraConfig = extraConfig;
    startServer();
  }

  public void startServer() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    server =
        CuttleServer.start(
            extraConfig
                .apply(
                    ServerConfig.builder()
                        .dataDirectory(directory.resolve("server"))
                        .publicAddress(new InetSocketAddress(loopback, publicPort))
                        .legacyPollingAddress(new InetSocketAddress(loopback, legacyPort))
                        .adminAddress(new InetSocketAddress(loopback, 0))
                        .pollWait(Duration.ofSeconds(5))
                        .redeliverAfter(Duration.ofSeconds(2))
                        .silenceTimeout(Duration.ofSeconds(30)))
                .build());
    publicPort = server.publicPort();
    legacyPort = server.legacyPollingPort();
  }

  public void restartServer() throws IOException {
    server.close();
    startServer();
  }

  public TentacleHome home(String name) {
    return TentacleHome.of(name, directory.resolve("tentacles"));
  }

  /** Registers a tentacle polling the public port by SNI, or the legacy port. */
  public TentacleHome register(String name, boolean viaRouter) throws IOException {
    return viaRouter ? register(name, server.info().pollingUrl()) : register(name, (String) null);
  }

  /** Registers a tentacle polling {@code commsAddress}, or the legacy port when it is null. */
  public TentacleHome register(String name, String commsAddress) throws IOException {
    return registerThrough(name, server.info().webUrl(), commsAddress, null);
  }

  /**
   * Registers a tentacle the way an operator on another machine would, perhaps behind a reverse
   * proxy: the REST API at {@code serverUrl}, trusted by the thumbprint the server printed, and
   * polling at {@code commsAddress} (the legacy port when it is null).
   */
  public TentacleHome registerThrough(String name, String serverUrl, String commsAddress)
      throws IOException {
    return registerThrough(name, serverUrl, commsAddress, null);
  }

  /** Registers a tentacle as above, with a proxy setting (null: the environment's). */
  public TentacleHome register(String name, String commsAddress, TentacleProxy proxy)
      throws IOException {
    return registerThrough(name, server.info().webUrl(), commsAddress, proxy);
  }

  private TentacleHome registerThrough(
      String name, String serverUrl, String commsAddress, TentacleProxy proxy) throws IOException {
    TentacleHome home = home(name);
    Registration.register(
        new Registration.Request(
            home,
            name,
            serverUrl,
            server.adminApiKey(),
            commsAddress,
            commsAddress != null ? null : server.legacyPollingPort(),
            "Test",
            List.of("web"),
            server.thumbprint(),
            false,
            proxy));
    return home;
  }

  /** The server's certificate, for clients that check it the ordinary way (curl --cacert). */
  public Path serverCertificate() {
    return directory.resolve("server").resolve("identity").resolve("cert.pem");
  }

  public TentacleAgent start(TentacleHome home) throws IOException {
    TentacleAgent agent = TentacleAgent.start(home);
    agents.add(agent);
    return agent;
  }

  public ApiClient api() {
    return ApiClient.connect(server.info().webUrl(), server.adminApiKey(), server.thumbprint());
  }

  public TaskView runScript(String script, List<String> tentacles, Long pickupTimeoutSeconds) {
    return runScript(script, tentacles, pickupTimeoutSeconds, null);
  }

  public TaskView runScript(
      String script, List<String> tentacles, Long pickupTimeoutSeconds, Long timeoutSeconds) {
    try (ApiClient api = api()) {
      return api.runScript(
          new RunScriptRequest(
              script, "bash", null, List.of(), tentacles, pickupTimeoutSeconds, timeoutSeconds));
    }
  }

  /** Waits for the task to finish, returning every log line it produced, in order. */
  public List<LogEntry> follow(String taskId) throws InterruptedException {
    List<LogEntry> lines = new ArrayList<>();
    try (ApiClient api = api()) {
      new TaskFollower(api).follow(taskId, lines::add);
    }
    return lines;
  }

  public TaskView task(String taskId) {
    try (ApiClient api = api()) {
      return api.task(taskId);
    }
  }

  /** One scrape of the server's {@code /metrics}, on its admin listener. */
  public PrometheusText metrics() throws IOException, InterruptedException {
    return PrometheusText.scrape("127.0.0.1:" + server.adminAddress().getPort());
  }

  public int legacyPort() {
    return legacyPort;
  }

  public int publicPort() {
    return publicPort;
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    agents.forEach(TentacleAgent::close);
    server.close();
  }
}
