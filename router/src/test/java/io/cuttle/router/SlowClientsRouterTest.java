package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.router.admin.AdminServer;
import io.cuttle.testkit.ClientHellos;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow-loris clients on the standalone router's listen port and admin port: fifty connect and then
 * send nothing, or trickle their first message a byte at a time. Each port closes them by its
 * deadline, and a normal client is served meanwhile.
 */
@Timeout(120)
class SlowClientsRouterTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration CLIENT_HELLO_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration ADMIN_REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration TICK = Duration.ofMillis(300);
  private static final int CROWD = 50;

  private static SelfSignedCertificate cert;
  private static TlsBackend web;
  private static RouterServer router;
  private static AdminServer admin;

  @BeforeAll
  @SuppressWarnings("deprecation") // SelfSignedCertificate: fine for tests, as Netty says
  static void start() throws Exception {
    cert = SelfSignedCertificate.builder().fqdn("localhost").algorithm("EC").bits(256).build();
    web = new TlsBackend("web", cert, false);
    router =
        RouterServer.start(
            RouterConfig.builder()
                .bindAddress(new InetSocketAddress(LOOPBACK, 0))
                .clientHelloTimeout(CLIENT_HELLO_TIMEOUT)
                .routes(
                    RouteTable.builder()
                        .defaultRoute(new Route("web", web.upstream(false)))
                        .build())
                .build());
    admin =
        AdminServer.start(
            new InetSocketAddress(LOOPBACK, 0), router, Optional.empty(), ADMIN_REQUEST_TIMEOUT);
  }

  @AfterAll
  @SuppressWarnings("deprecation")
  static void stop() {
    admin.close();
    router.close();
    web.close();
    cert.delete();
  }

  @Test
  void theListenPortClosesSilentClientsAndClientHellosThatTrickle() throws Exception {
    int port = router.localAddress().getPort();
    Duration bound = CLIENT_HELLO_TIMEOUT.plusSeconds(8);

    assertClosedWhileOthersAreServed(SlowClients.silent(port, CROWD), bound);
    assertClosedWhileOthersAreServed(
        SlowClients.trickling(port, CROWD, ClientHellos.from("localhost")), bound);
  }

  @Test
  void theAdminPortClosesSilentClientsAndRequestsThatTrickle() throws Exception {
    int port = admin.address().getPort();
    Duration bound = ADMIN_REQUEST_TIMEOUT.plusSeconds(8);
    byte[] request =
        "GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    assertClosedWhileOthersAreServed(SlowClients.silent(port, CROWD), bound);
    assertClosedWhileOthersAreServed(SlowClients.trickling(port, CROWD, request), bound);
  }

  private static void assertClosedWhileOthersAreServed(SlowClients crowd, Duration bound)
      throws Exception {
    try (crowd) {
      try (SSLSocket socket =
          TestClients.tls(router.localAddress().getPort(), "localhost", cert, List.of())) {
        assertThat(TestClients.exchange(socket, "hi"))
            .as("a normal client while %s slow ones are connected", CROWD)
            .isEqualTo("web:hi");
      }
      assertThat(metrics().statusCode())
          .as("a metrics scrape while %s slow ones are connected", CROWD)
          .isEqualTo(200);
      assertThat(crowd.awaitAllClosed(bound, TICK))
          .as("every slow client closed within %s", bound)
          .isPresent();
    }
  }

  private static HttpResponse<String> metrics() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + admin.address().getPort() + "/metrics");
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
