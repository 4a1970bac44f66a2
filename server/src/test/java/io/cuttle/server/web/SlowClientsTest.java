package io.cuttle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.router.SlowClients;
import io.cuttle.server.CuttleServer;
import io.cuttle.testkit.ClientHellos;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  private static final Duration POLLING_IDLE_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration IDLE_CLOSED_WITHIN = POLLING_IDLE_TIMEOUT.plusSeconds(8);

  private static final Duration TICK = Duration.ofMillis(300);
  private static final int CROWD = 50;

  @RegisterExtension
  static final ServerPerClass cuttle =
      new ServerPerClass(
          b ->
              b.handshakeTimeout(HANDSHAKE_TIMEOUT)
                  .pollingIdleTimeout(POLLING_IDLE_TIMEOUT)
                  .routedPollingAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                  .trustedProxies(List.of("127.0.0.1")));

  private static CuttleServer server;
  private static ApiCaller api;

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
    String headers = "GET /api/server HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
    byte[] stream = (headers + "a".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
    assertTricklersClosed(
        server.publicPort(),
        "localhost",
        List.of(),
        stream,
        headers.length(),
        HEADERS_CLOSED_WITHIN);
  }

  @Test
  void thePollingPortsCloseClientsThatTrickleTheirFirstRequestAfterTheHandshake() throws Exception {
    // What a gRPC client sends first, valid to the last byte, so only the idle timeout can end it:
    // the HTTP/2 preface, empty SETTINGS, then PINGs, none of which is a call.
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    stream.writeBytes(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
    for (int i = 0; i < 60; i++) {
      stream.writeBytes(new byte[] {0, 0, 8, 6, 0, 0, 0, 0, 0});
      stream.writeBytes(new byte[8]);
    }
    byte[] bytes = stream.toByteArray();
    assertTricklersClosed(
        server.legacyPollingPort(),
        "polling.localhost",
        List.of("h2"),
        bytes,
        10,
        IDLE_CLOSED_WITHIN);
    assertTricklersClosed(
        server.publicPort(), "polling.localhost", List.of("h2"), bytes, 10, IDLE_CLOSED_WITHIN);
  }

  /**
   * A crowd that finishes the TLS handshake, sends the start of a byte stream at once and the rest
   * a byte a tick: every one closed within the bound, a normal client served meanwhile.
   */
  private static void assertTricklersClosed(
      int port, String serverName, List<String> alpn, byte[] stream, int atOnce, Duration within)
      throws Exception {
    Map<SSLSocket, Integer> sent = new HashMap<>();
    long connected = System.nanoTime();
    try {
      for (int i = 0; i < CROWD; i++) {
        SSLSocket socket = tls(port, serverName);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(alpn.toArray(String[]::new));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        socket.setSoTimeout(1);
        socket.getOutputStream().write(stream, 0, atOnce);
        sent.put(socket, atOnce);
      }
      assertThat(api.call(HttpMethod.GET, "/api/server", (String) null, null).status().code())
          .as("a normal client while %s slow ones are connected", CROWD)
          .isEqualTo(200);
      long end = connected + within.toNanos();
      Map<SSLSocket, Integer> open = new HashMap<>(sent);
      while (!open.isEmpty() && System.nanoTime() < end) {
        open.entrySet().removeIf(client -> !trickleAndCheckOpen(client, stream));
        Thread.sleep(TICK.toMillis());
      }
      assertThat(open.keySet())
          .as("clients on port %s still open after %s", port, within)
          .isEmpty();
    } finally {
      for (SSLSocket socket : sent.keySet()) {
        socket.close();
      }
    }
  }

  /** Sends the stream's next byte; false once the server has closed the connection. */
  private static boolean trickleAndCheckOpen(Map.Entry<SSLSocket, Integer> client, byte[] stream) {
    SSLSocket socket = client.getKey();
    int next = client.getValue();
    try {
      if (next < stream.length) {
        socket.getOutputStream().write(stream[next]);
        client.setValue(next + 1);
      }
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
    context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    return context;
  }

  private static SSLSocket configured(SSLSocket socket, String serverName) throws IOException {
    socket.setSoTimeout(15_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(serverName)));
    socket.setSSLParameters(parameters);
    return socket;
  }
}
