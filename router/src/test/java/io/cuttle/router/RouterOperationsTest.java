package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.router.admin.AdminServer;
import io.cuttle.router.admin.RouterReloader;
import io.cuttle.router.config.RouterFile;
import io.cuttle.router.config.RouterFileParser;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator relies on in front of several nodes, over real sockets and real TLS: endpoints
 * that fail, ALPN routes, reloads that spare live connections, limits, and the admin port.
 */
@Timeout(60)
class RouterOperationsTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static SelfSignedCertificate pollingCert;
  private static SelfSignedCertificate webCert;
  private static TlsBackend polling;
  private static TlsBackend web;

  private RouterServer router;

  @BeforeAll
  @SuppressWarnings("deprecation") // SelfSignedCertificate: fine for tests, as Netty says
  static void backends() throws Exception {
    pollingCert =
        SelfSignedCertificate.builder().fqdn("localhost").algorithm("EC").bits(256).build();
    webCert = SelfSignedCertificate.builder().fqdn("localhost").algorithm("EC").bits(256).build();
    polling = new TlsBackend("polling", pollingCert, false);
    web = new TlsBackend("web", webCert, false);
  }

  @AfterAll
  @SuppressWarnings("deprecation")
  static void cleanUp() {
    polling.close();
    web.close();
    pollingCert.delete();
    webCert.delete();
  }

  @AfterEach
  void stop() {
    if (router != null) {
      router.close();
    }
  }

  private static InetSocketAddress address(TlsBackend backend) {
    return (InetSocketAddress) backend.listener.localAddress();
  }

  private static InetSocketAddress closedPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
      return new InetSocketAddress(LOOPBACK, probe.getLocalPort());
    }
  }

  private RouterServer start(RouteTable routes, RouterConfig.Builder config) {
    router =
        RouterServer.start(
            config.bindAddress(new InetSocketAddress(LOOPBACK, 0)).routes(routes).build());
    return router;
  }

  private RouterServer start(RouteTable routes) {
    return start(routes, RouterConfig.builder());
  }

  private String talk(String serverName, SelfSignedCertificate expected, List<String> alpn)
      throws Exception {
    try (SSLSocket socket =
        TestClients.tls(router.localAddress().getPort(), serverName, expected, alpn)) {
      return TestClients.exchange(socket, "hi");
    }
  }

  @Test
  void aDeadEndpointCostsADialNotAConnection() throws Exception {
    Upstream nodes =
        Upstream.builder("web-nodes").endpoint(closedPort()).endpoint(address(web)).build();
    start(RouteTable.builder().defaultRoute(new Route("web", nodes)).build());

    for (int i = 0; i < 4; i++) {
      assertThat(talk("localhost", webCert, List.of())).isEqualTo("web:hi");
    }
    assertThat(router.metrics().scrape())
        .contains("cuttle_router_upstream_dial_failures_total{upstream=\"web-nodes\"}");
  }

  @Test
  void healthChecksTakeADeadEndpointOutOfTurnBeforeAnyClientPaysForIt() throws Exception {
    InetSocketAddress dead = closedPort();
    Upstream nodes =
        Upstream.builder("web-nodes")
            .endpoint(dead)
            .endpoint(address(web))
            .healthCheck(Duration.ofMillis(100), Duration.ofSeconds(1))
            .build();
    start(RouteTable.builder().defaultRoute(new Route("web", nodes)).build());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                router
                            .metrics()
                            .registry()
                            .find("cuttle.router.upstream.endpoint.up")
                            .tag("upstream", "web-nodes")
                            .gauges()
                            .stream()
                            .filter(
                                g -> g.getId().getTag("endpoint").endsWith(":" + dead.getPort()))
                            .mapToDouble(g -> g.value())
                            .sum()
                        == 0
                    && router
                            .metrics()
                            .registry()
                            .find("cuttle.router.upstream.endpoint.up")
                            .gauges()
                            .size()
                        == 2);

    for (int i = 0; i < 4; i++) {
      assertThat(talk("localhost", webCert, List.of())).isEqualTo("web:hi");
    }
    assertThat(router.metrics().scrape()).doesNotContain("cuttle_router_upstream_dial_failures");
  }

  @Test
  void aMarkerProtocolReachesPollingThroughTheWebHostName() throws Exception {
    Route pollingRoute = new Route("polling", Upstream.single(address(polling), false));
    start(
        RouteTable.builder()
            .alpn("cuttle-polling", pollingRoute)
            .defaultRoute(new Route("web", Upstream.single(address(web), false)))
            .build());

    assertThat(talk("localhost", pollingCert, List.of("cuttle-polling", "h2")))
        .isEqualTo("polling:hi");
    assertThat(talk("localhost", webCert, List.of("h2", "http/1.1"))).isEqualTo("web:hi");
  }

  @Test
  void aReloadRoutesNewConnectionsAndSparesEstablishedOnes() throws Exception {
    start(
        RouteTable.builder()
            .defaultRoute(new Route("web", Upstream.single(address(web), false)))
            .build());
    try (SSLSocket established =
        TestClients.tls(router.localAddress().getPort(), "localhost", webCert, List.of())) {
      assertThat(TestClients.exchange(established, "before")).isEqualTo("web:before");

      router.reload(
          RouteTable.builder()
              .defaultRoute(new Route("polling", Upstream.single(address(polling), false)))
              .build());

      assertThat(talk("localhost", pollingCert, List.of())).isEqualTo("polling:hi");
      assertThat(TestClients.exchange(established, "after")).isEqualTo("web:after");
    }
  }

  @Test
  void aSourceOverItsRateIsRefusedBeforeAnythingIsRead() throws Exception {
    start(
        RouteTable.builder()
            .defaultRoute(new Route("web", Upstream.single(address(web), false)))
            .build(),
        RouterConfig.builder().perSourceLimit(0.01, 2));

    assertThat(talk("localhost", webCert, List.of())).isEqualTo("web:hi");
    assertThat(talk("localhost", webCert, List.of())).isEqualTo("web:hi");
    try (Socket refused = TestClients.plain(router.localAddress().getPort())) {
      assertThat(refused.getInputStream().read()).isEqualTo(-1);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> router.metrics().refused(CloseReason.RATE_LIMITED) == 1);
  }

  @Test
  void theGlobalCapRefusesTheConnectionBeyondIt() throws Exception {
    start(
        RouteTable.builder()
            .defaultRoute(new Route("web", Upstream.single(address(web), false)))
            .build(),
        RouterConfig.builder().maxConnections(1));
    try (SSLSocket first =
        TestClients.tls(router.localAddress().getPort(), "localhost", webCert, List.of())) {
      assertThat(TestClients.exchange(first, "one")).isEqualTo("web:one");
      try (Socket second = TestClients.plain(router.localAddress().getPort())) {
        assertThat(second.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(router.metrics().refused(CloseReason.CONNECTION_LIMIT)).isEqualTo(1);
    }
  }

  @Test
  void theAdminPortServesMetricsAndReloadsTheFileOnlyWhenItIsValid(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, routerYaml("web"));
    RouterFile config = RouterFileParser.read(file);
    router = RouterServer.start(config.router());
    RouterReloader reloader = new RouterReloader(file, router, config);
    try (AdminServer admin =
        AdminServer.start(
            new InetSocketAddress(LOOPBACK, 0),
            router,
            Optional.of(reloader),
            AdminServer.DEFAULT_REQUEST_TIMEOUT)) {
      assertThat(talk("localhost", webCert, List.of())).isEqualTo("web:hi");
      HttpResponse<String> metrics = get(admin, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("cuttle_router_route_connections_total{route=\"web\"} 1.0")
          .contains("cuttle_router_client_hello_size_bytes_count");

      Files.writeString(file, routerYaml("polling").replace("upstream: polling", "upstream: nope"));
      HttpResponse<String> refused = post(admin, "/reload");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("router.yaml:", "'nope' is not defined");
      assertThat(talk("localhost", webCert, List.of())).isEqualTo("web:hi");

      Files.writeString(file, routerYaml("polling"));
      assertThat(post(admin, "/reload").statusCode()).isEqualTo(200);
      assertThat(talk("localhost", pollingCert, List.of())).isEqualTo("polling:hi");
      assertThat(get(admin, "/routes").body()).contains("default->polling");
      assertThat(get(admin, "/reload").statusCode()).isEqualTo(405);
    }
  }

  @Test
  void theAdminPortSaysLiveAlwaysAndReadyOnlyWhileTheRouterAccepts() throws Exception {
    router =
        RouterServer.start(
            RouterConfig.builder()
                .bindAddress(new InetSocketAddress(LOOPBACK, 0))
                .routes(
                    RouteTable.builder()
                        .defaultRoute(new Route("web", Upstream.single(address(web), false)))
                        .build())
                .build());
    try (AdminServer admin =
        AdminServer.start(
            new InetSocketAddress(LOOPBACK, 0),
            router,
            Optional.empty(),
            AdminServer.DEFAULT_REQUEST_TIMEOUT)) {
      assertThat(get(admin, "/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(admin, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("ready\n");
      assertThat(post(admin, "/health/ready").statusCode()).isEqualTo(405);

      router.close();
      router = null; // closed: nothing left for stop() to do

      HttpResponse<String> draining = get(admin, "/health/ready");
      assertThat(draining.statusCode()).isEqualTo(503);
      assertThat(draining.body()).contains("not accepting connections");
      assertThat(get(admin, "/health/live").statusCode()).isEqualTo(200);
    }
  }

  private static String routerYaml(String defaultUpstream) {
    return """
        listen: 127.0.0.1:0
        upstreams:
          web: { endpoints: [%s] }
          polling: { endpoints: [%s] }
        routes:
          - { name: %s, default: true, upstream: %s }
        """
        .formatted(
            hostPort(address(web)), hostPort(address(polling)), defaultUpstream, defaultUpstream);
  }

  private static String hostPort(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  private static HttpResponse<String> get(AdminServer admin, String path) throws Exception {
    return send(admin, HttpRequest.newBuilder(uri(admin, path)).GET().build());
  }

  private static HttpResponse<String> post(AdminServer admin, String path) throws Exception {
    return send(
        admin,
        HttpRequest.newBuilder(uri(admin, path)).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private static URI uri(AdminServer admin, String path) {
    return URI.create("http://" + hostPort(admin.address()) + path);
  }

  private static HttpResponse<String> send(AdminServer admin, HttpRequest request)
      throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
