package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskView;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public port routes by SNI, or by the tentacle's ALPN marker, without terminating TLS: only
 * polling clients reach the polling listener, and junk on the port harms no one else.
 */
@Timeout(120)
class PublicPortTest {

  @Test
  void garbagePlainHttpAndUnknownSniNeverReachThePollingListener(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      int port = fleet.server.publicPort();
      long pollingBefore = fleet.server.publicPortStats().routed("polling");

      byte[] garbage = new byte[4096];
      new SecureRandom().nextBytes(garbage);
      garbage[0] = 0x16; // starts like a TLS handshake record...
      garbage[1] = 0x00; // ...but no TLS version: not a ClientHello
      assertThat(sendAndReadUntilClosed(port, garbage)).as("garbage gets no answer").isEmpty();
      String http = "GET / HTTP/1.1\r\nHost: polling.localhost\r\n\r\n";
      assertThat(
              new String(
                  sendAndReadUntilClosed(port, http.getBytes(StandardCharsets.US_ASCII)),
                  StandardCharsets.US_ASCII))
          .doesNotContain("HTTP/1.1 200");
      assertThat(httpsGet(port, "unknown.example.com", "/api/health"))
          .as("an unknown name is served by the web app, not the polling listener")
          .contains("\"status\":\"ok\"");

      assertThat(fleet.server.publicPortStats().routed("polling")).isEqualTo(pollingBefore);

      fleet.start(fleet.register("after-junk-1", true));
      TaskView task = fleet.runScript("echo still serving", List.of("after-junk-1"), 60L);
      assertThat(fleet.follow(task.id()))
          .extracting(LogEntry::text)
          .containsExactly("still serving");
      assertThat(httpsGet(port, "localhost", "/api/health")).contains("\"status\":\"ok\"");
    }
  }

  @Test
  void pollingNameReachesThePollingListenerWithTlsEndToEnd(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      X509Certificate presented = handshake(fleet.server.publicPort(), "polling.localhost");

      assertThat(io.cuttle.common.pki.Thumbprint.of(presented))
          .isEqualTo(fleet.server.thumbprint());
      assertThat(fleet.server.publicPortStats().routed("polling")).isEqualTo(1);
    }
  }

  @Test
  void aTentacleOnTheWebHostNameReachesThePollingListenerByItsAlpnMarker(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      int port = fleet.server.publicPort();
      long pollingBefore = fleet.server.publicPortStats().routed("polling");
      // The web app's own name: without the marker this would reach the web app, not polling.
      fleet.start(fleet.register("alpn-1", "https://localhost:" + port));

      TaskView task = fleet.runScript("echo polled by alpn", List.of("alpn-1"), 60L);

      assertThat(fleet.follow(task.id()))
          .extracting(LogEntry::text)
          .containsExactly("polled by alpn");
      TargetView target = fleet.task(task.id()).targets().get(0);
      assertThat(target.state()).isEqualTo(CommandState.SUCCEEDED);
      assertThat(target.route()).isEqualTo(Route.ROUTER);
      assertThat(fleet.server.publicPortStats().routed("polling")).isGreaterThan(pollingBefore);
      assertThat(httpsGet(port, "localhost", "/api/health"))
          .as("a client without the marker still gets the web app on that name")
          .contains("\"status\":\"ok\"");
    }
  }

  private static byte[] sendAndReadUntilClosed(int port, byte[] bytes) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      return in.readAllBytes();
    } catch (java.net.SocketException e) {
      return new byte[0]; // reset by the router: also no answer
    }
  }

  private static SSLSocket tlsSocket(int port, String sni) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(15_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(sni)));
    socket.setSSLParameters(parameters);
    return socket;
  }

  private static X509Certificate handshake(int port, String sni) throws Exception {
    try (SSLSocket socket = tlsSocket(port, sni)) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static String httpsGet(int port, String sni, String path) throws Exception {
    try (SSLSocket socket = tlsSocket(port, sni)) {
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + sni + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
