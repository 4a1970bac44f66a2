package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.testkit.ClientHellos;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A bounded-time property test of the ClientHello handling: real hellos mutated, cut and re-framed,
 * junk dressed up as TLS, and SSLv2-style hellos, fed in random segments. Whatever the input, no
 * exception escapes, the router never holds more than its cap, every connection is closed or routed
 * by the deadline, and only a hello that really names the polling host reaches the polling route.
 * The seed of a failing case is in the assertion message.
 */
class ClientHelloFuzzTest {
  private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(4);
  private static final int CAP = 4096;
  private static final int MAX_SEGMENT = 512;

  @Test
  void noInputEscapesTheRulesWithinTheTimeBudget() throws Exception {
    List<byte[]> seeds =
        List.of(
            ClientHellos.from("polling.localhost"),
            ClientHellos.from("polling.localhost", List.of("h2", "cuttle-polling")),
            ClientHellos.from("web.localhost"),
            ClientHellos.from(null));
    long deadline = System.nanoTime() + BUDGET_NANOS;
    int cases = 0;
    for (long seed = 1; System.nanoTime() < deadline && cases < 200_000; seed++, cases++) {
      Random random = new Random(seed);
      byte[] input = generate(random, seeds);
      runOne(seed, random, input);
    }
    assertThat(cases).as("cases run in the time budget").isGreaterThan(200);
  }

  @Test
  void anSslV2StyleHelloIsNotTlsAndNeverReachesPolling() {
    ClientHelloHarness harness = new ClientHelloHarness();
    EmbeddedChannel channel = harness.client(pollingAndWeb());

    // SSLv2 record: 2-byte length with the top bit set, CLIENT-HELLO (1), version 3.1, lengths.
    channel.writeInbound(
        Unpooled.wrappedBuffer(
            new byte[] {(byte) 0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10}));

    assertThat(harness.dialed).isEmpty();
    assertThat(channel.isOpen()).isFalse();
    assertThat(harness.stats.refused(CloseReason.NOT_TLS)).isEqualTo(1);
  }

  private static RouteTable pollingAndWeb() {
    return RouteTable.builder()
        .exact("polling.localhost", route("polling"))
        .defaultRoute(route("web"))
        .build();
  }

  private static Route route(String name) {
    return new Route(name, Upstream.single(InetSocketAddress.createUnresolved(name, 1), false));
  }

  private static void runOne(long seed, Random random, byte[] input) {
    ClientHelloHarness harness = new ClientHelloHarness();
    harness.maxClientHelloBytes = CAP;
    EmbeddedChannel channel = harness.client(pollingAndWeb());
    ConnectionRecord record = channel.attr(ConnectionRecord.KEY).get();
    for (int offset = 0; offset < input.length && channel.isOpen(); ) {
      int length = Math.min(input.length - offset, 1 + random.nextInt(MAX_SEGMENT));
      channel.writeInbound(Unpooled.wrappedBuffer(input, offset, length));
      offset += length;
      ClientHelloRouter router = channel.pipeline().get(ClientHelloRouter.class);
      if (router != null) {
        assertThat(router.bufferedBytes())
            .as("seed %d holds no more than its cap", seed)
            .isLessThanOrEqualTo(CAP + 5 + MAX_SEGMENT);
      }
    }
    channel.advanceTimeBy(11, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    channel.checkException();
    boolean routed = channel.pipeline().get(RelayHandler.class) != null;
    assertThat(!channel.isOpen() || routed)
        .as("seed %d is closed or routed by the deadline", seed)
        .isTrue();
    if (harness.dialed.contains("polling")) {
      assertThat(record.serverName)
          .as("seed %d reached polling only by naming it", seed)
          .isEqualToIgnoringCase("polling.localhost");
    }
    channel.finishAndReleaseAll();
  }

  private static byte[] generate(Random random, List<byte[]> seeds) {
    byte[] hello = seeds.get(random.nextInt(seeds.size())).clone();
    return switch (random.nextInt(6)) {
      case 0 -> flipBytes(random, hello);
      case 1 -> Arrays.copyOf(hello, random.nextInt(hello.length));
      case 2 -> ClientHellos.inRecordsOf(flipBytes(random, hello), 1 + random.nextInt(300));
      case 3 -> tlsLookingJunk(random);
      case 4 -> sslV2Looking(random);
      default -> ClientHellos.inRecordsOf(hello, 1 + random.nextInt(64));
    };
  }

  private static byte[] flipBytes(Random random, byte[] hello) {
    for (int flips = 1 + random.nextInt(6); flips > 0; flips--) {
      hello[random.nextInt(hello.length)] = (byte) random.nextInt(256);
    }
    return hello;
  }

  private static byte[] tlsLookingJunk(Random random) {
    byte[] junk = new byte[5 + random.nextInt(2000)];
    random.nextBytes(junk);
    junk[0] = 0x16;
    junk[1] = 0x03;
    junk[2] = (byte) random.nextInt(5);
    junk[5 % junk.length] = 0x01; // a ClientHello handshake type, often
    return junk;
  }

  private static byte[] sslV2Looking(Random random) {
    byte[] junk = new byte[3 + random.nextInt(300)];
    random.nextBytes(junk);
    junk[0] = (byte) (0x80 | random.nextInt(0x80));
    junk[2] = 0x01;
    return junk;
  }
}
