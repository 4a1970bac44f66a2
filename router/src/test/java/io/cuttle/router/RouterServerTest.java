package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cuttle.testkit.ClientHellos;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The router over real loopback sockets, in front of real TLS backends it never decrypts: each
 * client trusts only its backend's own certificate, so a handshake that completes proves the bytes
 * went through untouched.
 */
@Timeout(30)
class RouterServerTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static SelfSignedCertificate pollingCert;
  private static SelfSignedCertificate webCert;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ListAppender<ILoggingEvent> accessLog = new ListAppender<>();
  private RouterServer router;

  @BeforeAll
  @SuppressWarnings("deprecation") // SelfSignedCertificate: fine for tests, as Netty says
  static void certificates() throws Exception {
    // Two key pairs with the same name: only the key tells the backends apart.
    pollingCert =
        SelfSignedCertificate.builder().fqdn("localhost").algorithm("EC").bits(256).build();
    webCert = SelfSignedCertificate.builder().fqdn("localhost").algorithm("EC").bits(256).build();
  }

  @AfterAll
  @SuppressWarnings("deprecation")
  static void cleanUp() {
    pollingCert.delete();
    webCert.delete();
  }

  @BeforeEach
  void watchAccessLog() {
    accessLog.start();
    logger("cuttle.router.access").addAppender(accessLog);
  }

  @AfterEach
  void stop() {
    if (router != null) {
      router.close();
    }
    threads.shutdownNow();
    logger("cuttle.router.access").detachAppender(accessLog);
  }

  private static Logger logger(String name) {
    return (Logger) LoggerFactory.getLogger(name);
  }

  private RouterServer start(RouteTable routes) {
    return start(
        RouterConfig.builder().bindAddress(new InetSocketAddress(LOOPBACK, 0)).routes(routes));
  }

  private RouterServer start(RouterConfig.Builder config) {
    router = RouterServer.start(config.build());
    return router;
  }

  private SSLSocket connect(String serverName, SelfSignedCertificate cert) throws Exception {
    return TestClients.tls(router.localAddress().getPort(), serverName, cert, List.of());
  }

  private Socket plain() throws IOException {
    return TestClients.plain(router.localAddress().getPort());
  }

  private static String exchange(Socket socket, String line) throws IOException {
    return TestClients.exchange(socket, line);
  }

  private List<String> accessLines() {
    return accessLog.list.stream()
        .filter(e -> e.getLevel() == Level.INFO)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void routesBySniAndTheClientCompletesTlsWithTheBackendItself() throws Exception {
    try (TlsBackend polling = new TlsBackend("polling", pollingCert, false);
        TlsBackend web = new TlsBackend("web", webCert, false)) {
      start(
          RouteTable.builder()
              .exact("polling.localhost", new Route("polling", polling.upstream(false)))
              .defaultRoute(new Route("web", web.upstream(false)))
              .build());

      try (SSLSocket toPolling = connect("polling.localhost", pollingCert);
          SSLSocket toWeb = connect("localhost", webCert)) {
        assertThat(exchange(toPolling, "hello")).isEqualTo("polling:hello");
        assertThat(exchange(toWeb, "hello")).isEqualTo("web:hello");
      }
      try (SSLSocket wrongKey = connect("polling.localhost", webCert)) {
        assertThatThrownBy(wrongKey::startHandshake)
            .as("the polling backend's own key answers, not the router's or the web's")
            .isInstanceOf(SSLHandshakeException.class);
      }
      assertThat(router.metrics().routed("polling")).isEqualTo(2);
      assertThat(router.metrics().routed("web")).isEqualTo(1);
      assertThat(router.metrics().accepted()).isEqualTo(3);
      await().atMost(Duration.ofSeconds(5)).until(() -> router.metrics().active() == 0);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(accessLines())
                      .hasSize(3)
                      .anySatisfy(
                          line ->
                              assertThat(line)
                                  .contains("sni=polling.localhost alpn=- route=polling upstream=")
                                  .containsPattern("bytes_in=[1-9]\\d* bytes_out=[1-9]\\d*")
                                  .endsWith("close=closed")));
    }
  }

  @Test
  void withReusePortTwoRoutersShareOnePortAndOneServesAloneWhenTheOtherStops() throws Exception {
    try (TlsBackend web = new TlsBackend("web", webCert, false)) {
      RouteTable routes =
          RouteTable.builder().defaultRoute(new Route("web", web.upstream(false))).build();
      RouterServer first =
          RouterServer.start(
              RouterConfig.builder()
                  .bindAddress(new InetSocketAddress(LOOPBACK, 0))
                  .reusePort(true)
                  .routes(routes)
                  .build());
      InetSocketAddress shared = first.localAddress();
      try {
        assertThatThrownBy(
                () ->
                    RouterServer.start(
                        RouterConfig.builder().bindAddress(shared).routes(routes).build()))
            .as("a router without reusePort cannot join the port")
            .hasMessageContaining("Address already in use");
        router =
            RouterServer.start(
                RouterConfig.builder().bindAddress(shared).reusePort(true).routes(routes).build());

        // The kernel spreads connections by their source port: both routers get some soon.
        for (int i = 0;
            i < 200 && (first.metrics().accepted() == 0 || router.metrics().accepted() == 0);
            i++) {
          try (SSLSocket client = connect("localhost", webCert)) {
            assertThat(exchange(client, "hello")).isEqualTo("web:hello");
          }
        }
        assertThat(first.metrics().accepted()).as("the first router served").isPositive();
        assertThat(router.metrics().accepted()).as("the second router served").isPositive();
      } finally {
        first.close();
      }
      long servedBefore = router.metrics().accepted();
      for (int i = 0; i < 20; i++) {
        try (SSLSocket client = connect("localhost", webCert)) {
          assertThat(exchange(client, "hello")).isEqualTo("web:hello");
        }
      }
      assertThat(router.metrics().accepted()).isEqualTo(servedBefore + 20);
    }
  }

  @Test
  void junkNeverReachesThePollingBackendAndTheRouterKeepsServing() throws Exception {
    try (TlsBackend polling = new TlsBackend("polling", pollingCert, false)) {
      start(
          RouteTable.builder()
              .exact("polling.localhost", new Route("polling", polling.upstream(false)))
              .build());

      for (String junk :
          List.of("GET / HTTP/1.1\r\nHost: polling.localhost\r\n\r\n", "\u0016\u0000garbage")) {
        try (Socket socket = plain()) {
          socket.getOutputStream().write(junk.getBytes(StandardCharsets.ISO_8859_1));
          assertThat(socket.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
        }
      }
      try (SSLSocket unknown = connect("other.localhost", pollingCert)) {
        assertThatThrownBy(() -> exchange(unknown, "x"))
            .as("an unknown name with no default route is closed")
            .isInstanceOf(IOException.class);
      }

      assertThat(polling.accepted.get()).isZero();
      assertThat(router.metrics().refused(CloseReason.NOT_TLS)).isEqualTo(2);
      assertThat(router.metrics().refused(CloseReason.NO_ROUTE)).isEqualTo(1);
      try (SSLSocket ok = connect("polling.localhost", pollingCert)) {
        assertThat(exchange(ok, "still here")).isEqualTo("polling:still here");
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(accessLines())
                      .filteredOn(line -> line.contains("close=not tls"))
                      .hasSize(2)
                      .allSatisfy(
                          line -> assertThat(line).contains("sni=- alpn=- route=- upstream=-")));
    }
  }

  @Test
  void proxyProtocolCarriesTheClientAddressAndTheServerName() throws Exception {
    try (TlsBackend polling = new TlsBackend("polling", pollingCert, true)) {
      start(
          RouteTable.builder()
              .exact("polling.localhost", new Route("polling", polling.upstream(true)))
              .build());

      try (SSLSocket client = connect("polling.localhost", pollingCert)) {
        assertThat(exchange(client, "hello"))
            .as("the header is consumed and the ClientHello follows it intact")
            .isEqualTo("polling:hello");

        TlsBackend.ProxyHeader header = polling.proxyHeader.get(5, TimeUnit.SECONDS);
        assertThat(header.source()).isEqualTo(LOOPBACK.getHostAddress());
        assertThat(header.sourcePort()).isEqualTo(client.getLocalPort());
        assertThat(header.destinationPort()).isEqualTo(router.localAddress().getPort());
        assertThat(header.authority()).isEqualTo("polling.localhost");
      }
    }
  }

  @Test
  void halfCloseIsPassedThroughInBothDirections() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, LOOPBACK)) {
      start(
          RouteTable.builder()
              .defaultRoute(
                  new Route(
                      "raw",
                      Upstream.single(
                          new InetSocketAddress(LOOPBACK, backend.getLocalPort()), false)))
              .build());
      byte[] hello = ClientHellos.from("localhost");
      CompletableFuture<Integer> backendSaw =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket upstream = backend.accept()) {
                  int total =
                      upstream.getInputStream().readAllBytes().length; // until the client's FIN
                  upstream.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                  upstream.shutdownOutput();
                  return total;
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              },
              threads);

      try (Socket client = plain()) {
        client.getOutputStream().write(hello);
        client.shutdownOutput();
        InputStream in = client.getInputStream();

        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("bye");
        assertThat(backendSaw.get(10, TimeUnit.SECONDS)).isEqualTo(hello.length);
      }
    }
  }

  @Test
  void gracefulCloseStopsAcceptingButLetsLiveConnectionsFinish() throws Exception {
    try (TlsBackend web = new TlsBackend("web", webCert, false)) {
      start(RouteTable.builder().defaultRoute(new Route("web", web.upstream(false))).build());
      int port = router.localAddress().getPort();
      SSLSocket live = connect("localhost", webCert);
      assertThat(exchange(live, "before")).isEqualTo("web:before");

      CompletableFuture<Void> closing =
          CompletableFuture.runAsync(() -> router.closeGracefully(Duration.ofSeconds(20)), threads);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> new Socket(LOOPBACK, port).close())
                      .isInstanceOf(IOException.class));

      assertThat(exchange(live, "during")).isEqualTo("web:during");
      assertThat(closing).isNotDone();
      live.close();
      closing.get(10, TimeUnit.SECONDS);
      router = null;
      assertThat(accessLines()).singleElement().asString().endsWith("close=closed");
    }
  }

  @Test
  void gracefulCloseClosesWhatIsStillOpenAtTheDeadline() throws Exception {
    try (TlsBackend web = new TlsBackend("web", webCert, false)) {
      start(RouteTable.builder().defaultRoute(new Route("web", web.upstream(false))).build());
      SSLSocket live = connect("localhost", webCert);
      assertThat(exchange(live, "before")).isEqualTo("web:before");

      long start = System.nanoTime();
      router.closeGracefully(Duration.ofMillis(300));
      router = null;

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(live.getInputStream().read()).as("the router closed it").isEqualTo(-1);
      assertThat(accessLines()).singleElement().asString().endsWith("close=router shutdown");
      live.close();
    }
  }

  @Test
  void aConnectionIdleInBothDirectionsIsClosedAfterTheIdleTimeout() throws Exception {
    try (TlsBackend web = new TlsBackend("web", webCert, false)) {
      start(
          RouterConfig.builder()
              .bindAddress(new InetSocketAddress(LOOPBACK, 0))
              .routes(
                  RouteTable.builder().defaultRoute(new Route("web", web.upstream(false))).build())
              .idleTimeout(Duration.ofMillis(500)));

      try (SSLSocket client = connect("localhost", webCert)) {
        // Traffic at shorter intervals than the timeout keeps the connection open.
        for (int i = 0; i < 4; i++) {
          assertThat(exchange(client, "ping " + i)).isEqualTo("web:ping " + i);
          Thread.sleep(200);
        }
        long quietSince = System.nanoTime();
        assertThat(client.getInputStream().read()).as("closed for idleness").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - quietSince))
            .isGreaterThanOrEqualTo(Duration.ofMillis(250));
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(accessLines())
                      .singleElement()
                      .asString()
                      .endsWith("close=idle timeout"));
    }
  }

  @Test
  void anUnreachableUpstreamIsLoggedOnceNotOncePerConnection() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
      closedPort = probe.getLocalPort();
    }
    start(
        RouteTable.builder()
            .defaultRoute(
                new Route(
                    "web", Upstream.single(new InetSocketAddress(LOOPBACK, closedPort), false)))
            .build());
    Logger logger = logger(UpstreamPool.class.getName());
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      byte[] hello = ClientHellos.from("localhost");
      for (int i = 0; i < 5; i++) {
        try (Socket client = plain()) {
          client.getOutputStream().write(hello);
          assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> router.metrics().refused(CloseReason.UPSTREAM_CONNECT_FAILED) == 5);
      assertThat(appender.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("is unreachable"));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(accessLines())
                      .hasSize(5)
                      .allSatisfy(
                          line ->
                              assertThat(line)
                                  .contains("sni=localhost alpn=- route=web")
                                  .endsWith("close=upstream connect failed")));
    } finally {
      logger.detachAppender(appender);
    }
  }
}
