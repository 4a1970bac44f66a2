package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.common.pki.Thumbprint;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The router over real sockets, in front of real TLS backends it never decrypts. */
@Timeout(60)
class RouterServerTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private RouterServer router;

  @AfterEach
  void stop() {
    if (router != null) {
      router.close();
    }
    threads.shutdownNow();
  }

  /** A TLS server that answers each line with its name, counting connections it accepts. */
  private final class TlsBackend implements AutoCloseable {
    final Identity identity = SelfSignedCertificates.create("backend", List.of("localhost"));
    final AtomicInteger accepted = new AtomicInteger();
    final SSLServerSocket socket;

    TlsBackend(String name) throws Exception {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "k", identity.privateKey(), new char[0], new X509Certificate[] {identity.certificate()});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      socket =
          (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, LOOPBACK);
      threads.submit(
          () -> {
            while (!socket.isClosed()) {
              Socket connection = socket.accept();
              accepted.incrementAndGet();
              threads.submit(() -> answer(connection, name));
            }
            return null;
          });
    }

    Upstream upstream(boolean proxyProtocol) {
      return new Upstream(new InetSocketAddress(LOOPBACK, socket.getLocalPort()), proxyProtocol);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static Void answer(Socket connection, String name) throws IOException {
    try (connection;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out =
            new PrintWriter(connection.getOutputStream(), true, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        out.println(name + ":" + line);
      }
    }
    return null;
  }

  private RouterServer start(RouteTable routes) {
    router =
        RouterServer.start(
            RouterConfig.builder()
                .bindAddress(new InetSocketAddress(LOOPBACK, 0))
                .routes(routes)
                .build());
    return router;
  }

  /** Connects through the router with SNI, trusting only {@code expected}: passthrough or bust. */
  private SSLSocket connect(String serverName, Identity expected) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        null, new TrustManager[] {new Pinned(Thumbprint.of(expected.certificate()))}, null);
    SSLSocket socket =
        (SSLSocket)
            context.getSocketFactory().createSocket(LOOPBACK, router.localAddress().getPort());
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(serverName)));
    socket.setSSLParameters(parameters);
    return socket;
  }

  private static String exchange(Socket socket, String line) throws IOException {
    PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
    out.println(line);
    return new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
  }

  @Test
  void routesBySniAndTheClientCompletesTlsWithTheBackendItself() throws Exception {
    try (TlsBackend polling = new TlsBackend("polling");
        TlsBackend web = new TlsBackend("web")) {
      start(
          RouteTable.builder()
              .exact("polling.localhost", new Route("polling", polling.upstream(false)))
              .defaultRoute(new Route("web", web.upstream(false)))
              .build());

      try (SSLSocket toPolling = connect("polling.localhost", polling.identity);
          SSLSocket toWeb = connect("localhost", web.identity)) {
        assertThat(exchange(toPolling, "hello")).isEqualTo("polling:hello");
        assertThat(exchange(toWeb, "hello")).isEqualTo("web:hello");
      }
      assertThat(router.stats().routed("polling")).isEqualTo(1);
      assertThat(router.stats().routed("web")).isEqualTo(1);
    }
  }

  @Test
  void junkNeverReachesThePollingBackendAndTheRouterKeepsServing() throws Exception {
    try (TlsBackend polling = new TlsBackend("polling")) {
      start(
          RouteTable.builder()
              .exact("polling.localhost", new Route("polling", polling.upstream(false)))
              .build());

      for (String junk :
          List.of("GET / HTTP/1.1\r\nHost: polling.localhost\r\n\r\n", "\u0016\u0000garbage")) {
        try (Socket socket = new Socket(LOOPBACK, router.localAddress().getPort())) {
          socket.setSoTimeout(10_000);
          socket.getOutputStream().write(junk.getBytes(StandardCharsets.ISO_8859_1));
          assertThat(socket.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
        }
      }
      assertThatThrownBy(() -> exchange(connect("other.localhost", polling.identity), "x"))
          .as("an unknown name with no default route is closed")
          .isInstanceOf(IOException.class);

      assertThat(polling.accepted.get()).isZero();
      try (SSLSocket ok = connect("polling.localhost", polling.identity)) {
        assertThat(exchange(ok, "still here")).isEqualTo("polling:still here");
      }
    }
  }

  @Test
  void proxyProtocolCarriesTheClientAddressAndTheServerName() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, LOOPBACK)) {
      start(
          RouteTable.builder()
              .exact(
                  "polling.localhost",
                  new Route(
                      "polling",
                      new Upstream(new InetSocketAddress(LOOPBACK, backend.getLocalPort()), true)))
              .build());
      byte[] hello = ClientHellos.from("polling.localhost");
      CompletableFuture<byte[]> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket upstream = backend.accept()) {
                  return new DataInputStream(upstream.getInputStream())
                      .readNBytes(16 + 12 + 3 + 17 + hello.length);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              },
              threads);

      try (Socket client = new Socket(LOOPBACK, router.localAddress().getPort())) {
        client.getOutputStream().write(hello);
        byte[] bytes = received.get(10, TimeUnit.SECONDS);

        ProxyV2 header = ProxyV2.parse(bytes);
        assertThat(header.sourcePort()).isEqualTo(client.getLocalPort());
        assertThat(header.destinationPort()).isEqualTo(router.localAddress().getPort());
        assertThat(header.authority()).isEqualTo("polling.localhost");
        assertThat(java.util.Arrays.copyOfRange(bytes, header.length(), bytes.length))
            .isEqualTo(hello);
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
                      new Upstream(new InetSocketAddress(LOOPBACK, backend.getLocalPort()), false)))
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

      try (Socket client = new Socket(LOOPBACK, router.localAddress().getPort())) {
        client.setSoTimeout(10_000);
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
    try (TlsBackend web = new TlsBackend("web")) {
      start(RouteTable.builder().defaultRoute(new Route("web", web.upstream(false))).build());
      int port = router.localAddress().getPort();
      SSLSocket live = connect("localhost", web.identity);
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
                new Route("web", new Upstream(new InetSocketAddress(LOOPBACK, closedPort), false)))
            .build());
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(UpstreamHealth.class);
    var appender =
        new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    appender.start();
    logger.addAppender(appender);
    try {
      byte[] hello = ClientHellos.from("localhost");
      for (int i = 0; i < 5; i++) {
        try (Socket client = new Socket(LOOPBACK, router.localAddress().getPort())) {
          client.setSoTimeout(10_000);
          client.getOutputStream().write(hello);
          assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> router.stats().refused(CloseReason.UPSTREAM_CONNECT_FAILED) == 5);
      assertThat(appender.list)
          .filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("is unreachable"));
    } finally {
      logger.detachAppender(appender);
    }
  }

  /** The parts of a PROXY v2 header the router sends (TCP over IPv4, one AUTHORITY TLV). */
  record ProxyV2(int sourcePort, int destinationPort, String authority, int length) {
    static ProxyV2 parse(byte[] bytes) {
      byte[] signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
      assertThat(java.util.Arrays.copyOf(bytes, 12)).isEqualTo(signature);
      assertThat(bytes[12]).as("version 2, PROXY command").isEqualTo((byte) 0x21);
      assertThat(bytes[13]).as("TCP over IPv4").isEqualTo((byte) 0x11);
      int length = ((bytes[14] & 0xff) << 8) | (bytes[15] & 0xff);
      int sourcePort = ((bytes[24] & 0xff) << 8) | (bytes[25] & 0xff);
      int destinationPort = ((bytes[26] & 0xff) << 8) | (bytes[27] & 0xff);
      assertThat(bytes[28]).as("AUTHORITY TLV").isEqualTo((byte) 0x02);
      int tlvLength = ((bytes[29] & 0xff) << 8) | (bytes[30] & 0xff);
      String authority = new String(bytes, 31, tlvLength, StandardCharsets.US_ASCII);
      return new ProxyV2(sourcePort, destinationPort, authority, 16 + length);
    }
  }

  /** Trusts exactly one key, as a tentacle does. */
  private record Pinned(Thumbprint expected) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      if (!Thumbprint.of(chain[0]).equals(expected)) {
        throw new java.security.cert.CertificateException("not the backend");
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
