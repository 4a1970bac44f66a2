package io.cuttle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.router.ClientHellos;
import io.cuttle.router.SlowClients;
import io.cuttle.server.CuttleServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow-loris clients on every port of a server: fifty connect and then send nothing, or trickle
 * their first message a byte at a time. Each port closes them by its deadline, and a normal client
 * is served meanwhile.
 */
@Timeout(120)
class SlowClientsTest {
  /**
   * Short, so the test is quick, but the normal clients' handshakes must fit in it too, on a
   * machine busy with other builds: 3 s was seen to cut one off.
   */
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

  /** Generous for a loaded machine, and still far below what a missing deadline would leave. */
  private static final Duration CLOSED_WITHIN = HANDSHAKE_TIMEOUT.plusSeconds(10);

  private static final Duration HEADERS_CLOSED_WITHIN = WebServer.IDLE_TIMEOUT.plusSeconds(8);

  private static final Duration TICK = Duration.ofMillis(300);
  private static final int CROWD = 50;

  @TempDir static Path data;
  private static CuttleServer server;
  private static ApiCaller api;

  @BeforeAll
  static void start() throws Exception {
    server =
        ApiCaller.startServer(
            data,
            b ->
                b.handshakeTimeout(HANDSHAKE_TIMEOUT)
                    .routedPollingAddress(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .trustedProxies(List.of("127.0.0.1")));
    api = new ApiCaller(server);
  }

  @AfterAll
  static void stop() {
    api.close();
    server.close();
  }

  @Test
  void thePublicPortClosesSilentClientsAndClientHellosThatTrickle() throws Exception {
    byte[] clientHello = ClientHellos.from("localhost");

    assertClosedWhileOthersAreServed(SlowClients.silent(server.publicPort(), CROWD));
    assertClosedWhileOthersAreServed(
        SlowClients.trickling(server.publicPort(), CROWD, clientHello));
  }

  @Test
  void theWebAppClosesClientsThatStallAfterTheirClientHello() throws Exception {
    // The router passes a whole ClientHello on at once; the rest of the handshake is the web app's.
    assertClosedWhileOthersAreServed(
        SlowClients.sendingAtOnce(server.publicPort(), CROWD, ClientHellos.from("localhost")));
  }

  @Test
  void thePollingListenerBehindThePublicPortClosesClientsThatStallAfterTheirClientHello()
      throws Exception {
    assertClosedWhileOthersAreServed(
        SlowClients.sendingAtOnce(
            server.publicPort(), CROWD, ClientHellos.from("polling.localhost")));
  }

  @Test
  void theLegacyPollingPortClosesSilentClientsAndClientHellosThatTrickle() throws Exception {
    int port = server.legacyPollingPort();

    assertClosedWhileOthersAreServed(SlowClients.silent(port, CROWD));
    assertClosedWhileOthersAreServed(
        SlowClients.trickling(port, CROWD, ClientHellos.from("polling.localhost")));
  }

  @Test
  void theRoutedPollingPortClosesSilentClientsAndProxyHeadersThatTrickle() throws Exception {
    int port = server.routedPollingPort();

    assertClosedWhileOthersAreServed(SlowClients.silent(port, CROWD));
    assertClosedWhileOthersAreServed(
        SlowClients.trickling(
            port, CROWD, proxyV1Header(port).getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void theWebAppClosesRequestHeadersThatTrickle() throws Exception {
    List<SSLSocket> crowd = new ArrayList<>();
    long connected = System.nanoTime();
    try {
      for (int i = 0; i < CROWD; i++) {
        SSLSocket socket = tls(server.publicPort(), "localhost");
        socket.startHandshake();
        socket.setSoTimeout(1);
        socket
            .getOutputStream()
            .write(
                "GET /api/server HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
                    .getBytes(StandardCharsets.US_ASCII));
        crowd.add(socket);
      }
      assertThat(api.call(HttpMethod.GET, "/api/server", (String) null, null).status().code())
          .as("a normal client while %s slow ones are connected", CROWD)
          .isEqualTo(200);
      long end = connected + HEADERS_CLOSED_WITHIN.toNanos();
      List<SSLSocket> open = new ArrayList<>(crowd);
      while (!open.isEmpty() && System.nanoTime() < end) {
        open.removeIf(socket -> !trickleAndCheckOpen(socket));
        Thread.sleep(TICK.toMillis());
      }
      assertThat(open).as("clients still open after %s", HEADERS_CLOSED_WITHIN).isEmpty();
    } finally {
      for (SSLSocket socket : crowd) {
        socket.close();
      }
    }
  }

  /** Sends one more header byte; false once the server has closed the connection. */
  private static boolean trickleAndCheckOpen(SSLSocket socket) {
    try {
      socket.getOutputStream().write('a');
      // Whatever the server sent is drained a buffer per tick; only its end of stream counts.
      return socket.getInputStream().read(new byte[4096]) >= 0;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void assertClosedWhileOthersAreServed(SlowClients crowd) throws Exception {
    try (crowd) {
      assertThat(api.call(HttpMethod.GET, "/api/server", (String) null, null).status().code())
          .as("a normal client while %s slow ones are connected", CROWD)
          .isEqualTo(200);
      assertThat(handshake(server.legacyPollingPort(), "polling.localhost")).isTrue();
      assertThat(handshake(server.publicPort(), "polling.localhost")).isTrue();
      assertThat(handshakeAfterProxyHeader(server.routedPollingPort())).isTrue();
      Optional<Duration> closed = crowd.awaitAllClosed(CLOSED_WITHIN, TICK);
      assertThat(closed).as("every slow client closed within %s", CLOSED_WITHIN).isPresent();
    }
  }

  private static String proxyV1Header(int port) {
    return "PROXY TCP4 192.0.2.7 127.0.0.1 40000 " + port + "\r\n";
  }

  private static boolean handshake(int port, String serverName) throws Exception {
    try (SSLSocket socket = tls(port, serverName)) {
      socket.startHandshake();
      return socket.getSession().isValid();
    }
  }

  private static boolean handshakeAfterProxyHeader(int port) throws Exception {
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
      plain.getOutputStream().write(proxyV1Header(port).getBytes(StandardCharsets.US_ASCII));
      try (SSLSocket socket =
          configured(
              (SSLSocket)
                  acceptAny()
                      .getSocketFactory()
                      .createSocket(plain, "polling.localhost", port, false),
              "polling.localhost")) {
        socket.startHandshake();
        return socket.getSession().isValid();
      }
    }
  }

  private static SSLSocket tls(int port, String serverName) throws Exception {
    return configured(
        (SSLSocket)
            acceptAny().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port),
        serverName);
  }

  private static SSLContext acceptAny() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AcceptAny()}, null);
    return context;
  }

  private static SSLSocket configured(SSLSocket socket, String serverName) throws IOException {
    socket.setSoTimeout(15_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(serverName)));
    socket.setSSLParameters(parameters);
    return socket;
  }

  /** These clients check that the server answers, not who it is. */
  private static final class AcceptAny implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
