package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.server.polling.RefusedConnections;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.RefusedConnection;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.api.TentacleView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external router in front of the server: the routed polling port believes a PROXY header only
 * from the peers it is told to trust, and closes every other connection before reading a byte.
 */
@Timeout(120)
class TrustedProxyTest {
  private static final InetSocketAddress CLAIMED = new InetSocketAddress("203.0.113.7", 51515);

  @Test
  void trustedRouterIsBelievedAboutWhereTheTentacleIs(@TempDir Path dir) throws Exception {
    InetAddress router = InetAddress.getByName("127.0.0.2");
    try (TestFleet fleet = withRoutedPort(dir, "127.0.0.2");
        ProxyV2Relay relay =
            new ProxyV2Relay(
                router,
                new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), fleet.server.routedPollingPort()),
                CLAIMED)) {
      fleet.start(fleet.register("edge-1", "https://polling.localhost:" + relay.port()));
      TaskView task = fleet.runScript("echo via the external router", List.of("edge-1"), 60L);

      assertThat(fleet.follow(task.id()))
          .extracting(LogEntry::text)
          .containsExactly("via the external router");
      try (var api = fleet.api()) {
        TentacleView edge =
            api.tentacles().stream().filter(t -> t.name().equals("edge-1")).findFirst().get();
        assertThat(edge.address())
            .as("the address from the PROXY header, not the router's 127.0.0.2")
            .isEqualTo("203.0.113.7");
        assertThat(edge.route()).isEqualTo(Route.ROUTER);
        assertThat(api.refusedConnections()).isEmpty();
      }

      // The same port, a peer not on the list: this machine's other loopback address.
      assertThat(closedWithoutAnswer(fleet.server.routedPollingPort()))
          .as("127.0.0.1 is not trusted here")
          .isTrue();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !fleet.server.refusedConnections().list().isEmpty());
      assertThat(fleet.server.refusedConnections().list())
          .singleElement()
          .extracting(RefusedConnection::address)
          .isEqualTo("127.0.0.1");
    }
  }

  @Test
  void untrustedPeerIsClosedBeforeProxyOrTlsCountedAndLoggedOnce(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = withRoutedPort(dir, "10.0.0.0/8");
        LogCapture log = new LogCapture(RefusedConnections.class)) {
      int port = fleet.server.routedPollingPort();

      assertThat(closedWithoutAnswer(port)).as("first attempt").isTrue();
      assertThat(closedWithoutAnswer(port)).as("second attempt").isTrue();

      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  fleet.server.refusedConnections().list().stream()
                      .anyMatch(a -> a.attempts() == 2));
      try (var api = fleet.api()) {
        assertThat(api.refusedConnections())
            .as("an admin sees the peer itself, never the address its header claimed")
            .singleElement()
            .satisfies(
                a -> {
                  assertThat(a.address()).isEqualTo("127.0.0.1");
                  assertThat(a.reason()).isEqualTo("untrusted proxy source");
                  assertThat(a.thumbprint()).isEqualTo("-");
                  assertThat(a.attempts()).isEqualTo(2);
                });
      }
      assertThat(log.messages())
          .as("logged once per source, with what to do about it")
          .singleElement()
          .satisfies(
              m ->
                  assertThat(m)
                      .contains("127.0.0.1")
                      .contains("routed polling port " + port)
                      .contains("untrusted proxy source")
                      .contains("10.0.0.0/8")
                      .contains("--trusted-proxy"));
    }
  }

  private static TestFleet withRoutedPort(Path dir, String trusted) throws IOException {
    return new TestFleet(
        dir,
        b ->
            b.routedPollingAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .trustedProxies(List.of(trusted)));
  }

  /**
   * Connects from 127.0.0.1, sends a PROXY v2 header and the first bytes of a TLS ClientHello, and
   * reports whether the server closed the connection without sending a byte. A server that had
   * parsed the header would instead wait for the rest of the handshake, and this read would time
   * out.
   */
  private static boolean closedWithoutAnswer(int port) throws IOException {
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      socket.connect(target);
      socket.setSoTimeout(10_000);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      try {
        socket.getOutputStream().write(ProxyV2Relay.header(CLAIMED, target));
        socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40}); // TLS record
        InputStream in = socket.getInputStream();
        in.transferTo(received);
      } catch (SocketException e) {
        // reset: the server closed before reading what was sent, which is the point
      }
      return received.size() == 0;
    }
  }
}
