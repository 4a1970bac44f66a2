package io.cuttle.server.polling;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.common.net.Cidr;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedSourceGateTest {
  private final RefusedConnections refused = new RefusedConnections();

  @Test
  void builtInRoutersDoorTrustsLoopbackOnly() throws Exception {
    TrustedSourceGate gate = gate(TrustedSourceGate.LOOPBACK);

    assertThat(admitted(gate, "127.0.0.1")).isTrue();
    assertThat(admitted(gate, "127.9.9.9")).isTrue();
    assertThat(admitted(gate, "::1")).isTrue();
    assertThat(admitted(gate, "192.0.2.1")).isFalse();
    assertThat(admitted(gate, "2001:db8::1")).isFalse();
    assertThat(refused.list())
        .extracting(a -> a.address() + " " + a.reason())
        .containsExactly(
            "192.0.2.1 untrusted proxy source", "2001:db8:0:0:0:0:0:1 untrusted proxy source");
  }

  @Test
  void refusedPeerIsClosedBeforeItBecomesActive() throws Exception {
    PeerChannel channel = new PeerChannel("198.51.100.4");
    gate(List.of(Cidr.parse("10.0.0.0/8"))).accept(channel.pipeline());

    assertThat(channel.isOpen()).isFalse();
    assertThat(refused.list()).singleElement().satisfies(a -> assertThat(a.attempts()).isOne());
  }

  @Test
  void connectionsTheGateDoesNotGuardPassUntouched() throws Exception {
    TrustedSourceGate gate =
        new TrustedSourceGate(
            "door", c -> false, List.of(Cidr.parse("10.0.0.0/8")), refused, Clock.systemUTC());

    assertThat(admitted(gate, "192.0.2.1")).isTrue();
    assertThat(refused.list()).isEmpty();
  }

  private TrustedSourceGate gate(List<Cidr> trusted) {
    return new TrustedSourceGate("door", c -> true, trusted, refused, Clock.systemUTC());
  }

  private static boolean admitted(TrustedSourceGate gate, String peer) throws Exception {
    PeerChannel channel = new PeerChannel(peer);
    gate.accept(channel.pipeline());
    return channel.isOpen();
  }

  /** An in-memory channel that says its peer is {@code peer}, as an accepted socket would. */
  private static final class PeerChannel extends EmbeddedChannel {
    private final InetSocketAddress peer;

    PeerChannel(String peer) throws Exception {
      this.peer = new InetSocketAddress(InetAddress.getByName(peer), 40000);
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return peer;
    }

    @Override
    protected SocketAddress localAddress0() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 7443);
    }
  }
}
