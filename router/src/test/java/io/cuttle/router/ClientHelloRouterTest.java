package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.testkit.ClientHellos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ClientHello handler on its own, fed real and broken input without any socket. The upstream
 * dialer is a seam: it records which upstream was chosen and hands back an {@link EmbeddedChannel}
 * whose outbound queue shows exactly the bytes the router forwarded.
 */
class ClientHelloRouterTest {
  private static final Route POLLING = route("polling");
  private static final Route WEB = route("web");
  private static final Route JUNK = route("junk");

  private final ClientHelloHarness harness = new ClientHelloHarness();

  private static Route route(String name) {
    return new Route(name, Upstream.single(InetSocketAddress.createUnresolved(name, 1), false));
  }

  private static RouteTable pollingAndWeb() {
    return RouteTable.builder().exact("polling.localhost", POLLING).defaultRoute(WEB).build();
  }

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  @Test
  void routesByServerNameAndForwardsTheClientHelloUnchanged() throws Exception {
    byte[] hello = ClientHellos.from("polling.localhost");
    EmbeddedChannel channel = harness.client(pollingAndWeb());

    channel.writeInbound(Unpooled.wrappedBuffer(hello));

    assertThat(harness.dialed).containsExactly("polling");
    assertThat(ClientHelloHarness.forwarded(harness.upstreams.get(0))).isEqualTo(hello);
    assertThat(channel.pipeline().get(ClientHelloRouter.class)).isNull();
    assertThat(channel.pipeline().get(RelayHandler.class)).isNotNull();
    assertThat(harness.stats.routed("polling")).isEqualTo(1);
  }

  @Test
  void bytesSentAfterTheClientHelloFollowItInOrder() throws Exception {
    byte[] hello = ClientHellos.from("polling.localhost");
    byte[] more = "early data".getBytes(StandardCharsets.US_ASCII);
    EmbeddedChannel channel = harness.client(pollingAndWeb());

    channel.writeInbound(Unpooled.wrappedBuffer(hello, more));

    byte[] expected = Arrays.copyOf(hello, hello.length + more.length);
    System.arraycopy(more, 0, expected, hello.length, more.length);
    assertThat(ClientHelloHarness.forwarded(harness.upstreams.get(0))).isEqualTo(expected);
  }

  @Test
  void reassemblesAClientHelloArrivingOneByteAtATime() throws Exception {
    byte[] hello = ClientHellos.from("polling.localhost");
    EmbeddedChannel channel = harness.client(pollingAndWeb());

    for (byte b : hello) {
      assertThat(harness.dialed).isEmpty();
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }

    assertThat(harness.dialed).containsExactly("polling");
    assertThat(ClientHelloHarness.forwarded(harness.upstreams.get(0))).isEqualTo(hello);
  }

  @Test
  void reassemblesAClientHelloSplitAcrossManyTlsRecords() throws Exception {
    byte[] hello = ClientHellos.inRecordsOf(ClientHellos.from("polling.localhost"), 37);
    EmbeddedChannel channel = harness.client(pollingAndWeb());

    for (int i = 0; i < hello.length; i += 50) {
      channel.writeInbound(
          Unpooled.wrappedBuffer(Arrays.copyOfRange(hello, i, Math.min(hello.length, i + 50))));
    }

    assertThat(harness.dialed).containsExactly("polling");
    assertThat(ClientHelloHarness.forwarded(harness.upstreams.get(0))).isEqualTo(hello);
  }

  @Test
  void unknownMissingAndIpLiteralServerNamesTakeTheDefaultRoute() throws Exception {
    for (String serverName : Arrays.asList("other.example.com", null, "192.0.2.1")) {
      harness
          .client(pollingAndWeb())
          .writeInbound(Unpooled.wrappedBuffer(ClientHellos.from(serverName)));
    }

    assertThat(harness.dialed).containsExactly("web", "web", "web");
    assertThat(harness.stats.routed("web")).isEqualTo(3);
  }

  @Test
  void withoutADefaultRouteAnUnknownNameIsClosed() throws Exception {
    EmbeddedChannel channel =
        harness.client(RouteTable.builder().exact("polling.localhost", POLLING).build());

    channel.writeInbound(Unpooled.wrappedBuffer(ClientHellos.from("other.example.com")));

    assertThat(harness.dialed).isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(harness.stats.refused(CloseReason.NO_ROUTE)).isEqualTo(1);
  }

  @Test
  void plainHttpIsClosedWhenNoRouteTakesUnparseableInput() {
    EmbeddedChannel channel = harness.client(pollingAndWeb());

    channel.writeInbound(ascii("GET / HTTP/1.1\r\nHost: polling.localhost\r\n\r\n"));

    assertThat(harness.dialed).as("the default route never takes what is not TLS").isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(harness.stats.refused(CloseReason.NOT_TLS)).isEqualTo(1);
  }

  @Test
  void unparseableInputGoesOnlyWhereTheOperatorSaid() {
    EmbeddedChannel channel =
        harness.client(
            RouteTable.builder()
                .exact("polling.localhost", POLLING)
                .defaultRoute(WEB)
                .unparseableRoute(JUNK)
                .build());

    channel.writeInbound(ascii("SSH-2.0-OpenSSH_9.2\r\n"));

    assertThat(harness.dialed).containsExactly("junk");
    assertThat(ClientHelloHarness.forwarded(harness.upstreams.get(0)))
        .asString(StandardCharsets.US_ASCII)
        .isEqualTo("SSH-2.0-OpenSSH_9.2\r\n");
  }

  @Test
  void aHandshakeRecordThatIsNotAClientHelloIsNotTls() {
    EmbeddedChannel channel = harness.client(pollingAndWeb());

    // A TLS handshake record carrying a ServerHello (type 2): well framed, but not a ClientHello.
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 3, 3, 0, 4, 2, 0, 0, 0}));

    assertThat(harness.dialed).isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(harness.stats.refused(CloseReason.NOT_TLS)).isEqualTo(1);
  }

  @Test
  void aRealClientHelloLargerThanTheCapIsRefused() throws Exception {
    byte[] hello = ClientHellos.from("polling.localhost");
    harness.maxClientHelloBytes = 100;
    EmbeddedChannel channel = harness.client(pollingAndWeb());

    channel.writeInbound(Unpooled.wrappedBuffer(hello));

    assertThat(harness.dialed).isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(harness.stats.refused(CloseReason.CLIENT_HELLO_TOO_LARGE)).isEqualTo(1);
  }

  @Test
  void aClientHelloAnnouncingMoreThanTheCapIsRefused() {
    EmbeddedChannel channel = harness.client(pollingAndWeb());
    // A full 16 KiB record whose handshake header announces a 1 MiB ClientHello.
    byte[] record = new byte[5 + (1 << 14)];
    byte[] header = {0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x10, 0x00, 0x00};
    System.arraycopy(header, 0, record, 0, header.length);

    channel.writeInbound(Unpooled.wrappedBuffer(record));

    assertThat(harness.dialed).isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(harness.stats.refused(CloseReason.CLIENT_HELLO_TOO_LARGE)).isEqualTo(1);
  }

  @Test
  void aRecordHeaderLongerThanTlsAllowsIsRefusedBeforeItsBodyArrives() {
    EmbeddedChannel channel = harness.client(pollingAndWeb());

    channel.writeInbound(
        Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, (byte) 0xff, (byte) 0xff}));

    assertThat(channel.isOpen()).isFalse();
    assertThat(harness.stats.refused(CloseReason.CLIENT_HELLO_TOO_LARGE)).isEqualTo(1);
  }

  @Test
  void aClientHelloThatStopsHalfWayIsClosedAtTheDeadline() throws Exception {
    byte[] hello = ClientHellos.from("polling.localhost");
    EmbeddedChannel channel = harness.client(pollingAndWeb());
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(hello, hello.length / 2)));

    channel.advanceTimeBy(9, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();
    channel.advanceTimeBy(2, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();

    assertThat(channel.isOpen()).isFalse();
    assertThat(harness.dialed).isEmpty();
    assertThat(harness.stats.refused(CloseReason.CLIENT_HELLO_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void randomInputNeverReachesThePollingRouteAndNeverEscapesAsAnException() {
    Random random = new Random(20261125L);
    for (int run = 0; run < 2000; run++) {
      byte[] junk = new byte[1 + random.nextInt(600)];
      random.nextBytes(junk);
      if (run % 2 == 0) {
        junk[0] = 0x16; // half the runs look like a handshake record at first glance
      }
      EmbeddedChannel channel = harness.client(pollingAndWeb());
      for (int i = 0; i < junk.length && channel.isOpen(); ) {
        int n = 1 + random.nextInt(64);
        channel.writeInbound(
            Unpooled.wrappedBuffer(Arrays.copyOfRange(junk, i, Math.min(junk.length, i + n))));
        i += n;
      }
      channel.advanceTimeBy(11, TimeUnit.SECONDS);
      channel.runScheduledPendingTasks();
      channel.checkException();
      assertThat(!channel.isOpen() || channel.pipeline().get(RelayHandler.class) != null)
          .as("run %d is closed or routed by the deadline", run)
          .isTrue();
      channel.finishAndReleaseAll();
    }
    assertThat(harness.dialed).doesNotContain("polling");
  }
}
