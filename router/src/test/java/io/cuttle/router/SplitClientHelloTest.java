package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.testkit.ClientHellos;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A ClientHello cut into the smallest TLS records a client may send. CVE-2026-75595: such a hello
 * made Netty's ClientHello handler give up on it and fall back to its default, so a polling hello
 * could reach the default (web) route. CVE-2026-75596: every extra record recopied what was
 * buffered, so a large hello in one-byte records cost the event loop quadratic work. Both are fixed
 * in Netty 4.2.18; these tests hold the router to it.
 */
@Timeout(30)
class SplitClientHelloTest {
  private static final Route POLLING = route("polling");
  private static final Route WEB = route("web");

  private final ClientHelloHarness harness = new ClientHelloHarness();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private static Route route(String name) {
    return new Route(name, Upstream.single(InetSocketAddress.createUnresolved(name, 1), false));
  }

  private static RouteTable bySniAndAlpn() {
    return RouteTable.builder()
        .alpn("cuttle-polling", POLLING)
        .exact("polling.localhost", POLLING)
        .defaultRoute(WEB)
        .build();
  }

  /** Each record of {@code records} (all of {@code recordSize} payload bytes but the last). */
  private static List<byte[]> split(byte[] records, int recordSize) {
    List<byte[]> out = new java.util.ArrayList<>();
    for (int i = 0; i < records.length; i += 5 + recordSize) {
      out.add(Arrays.copyOfRange(records, i, Math.min(records.length, i + 5 + recordSize)));
    }
    return out;
  }

  @Test
  void aPollingHelloInOneByteRecordsIsRoutedToPollingWhateverTheSegments() throws Exception {
    for (byte[] single :
        List.of(
            ClientHellos.from("polling.localhost"),
            ClientHellos.from("localhost", List.of("h2", "cuttle-polling")))) {
      byte[] records = ClientHellos.inRecordsOf(single, 1);
      for (int segment : new int[] {1, 6, 7, records.length}) {
        EmbeddedChannel channel = harness.client(bySniAndAlpn());
        for (int i = 0; i < records.length; i += segment) {
          channel.writeInbound(
              Unpooled.wrappedBuffer(
                  Arrays.copyOfRange(records, i, Math.min(records.length, i + segment))));
        }
        channel.checkException();
        assertThat(harness.dialed).as("segments of %d bytes", segment).last().isEqualTo("polling");
        assertThat(
                ClientHelloHarness.forwarded(harness.upstreams.get(harness.upstreams.size() - 1)))
            .as("the records pass unchanged")
            .isEqualTo(records);
        channel.finishAndReleaseAll();
      }
    }
    assertThat(harness.dialed).hasSize(8).containsOnly("polling");
  }

  @Test
  void aHelloCutShortOrMisframedInOneByteRecordsIsClosedNeverSentToTheDefaultRoute()
      throws Exception {
    byte[] records = ClientHellos.inRecordsOf(ClientHellos.from("polling.localhost"), 1);
    // A zero-length handshake record in the middle: some TLS stacks skip it, so it must not count
    // as "no SNI" (which would take the default route).
    byte[] withEmptyRecord = new byte[records.length + 5];
    System.arraycopy(records, 0, withEmptyRecord, 0, 60);
    System.arraycopy(new byte[] {0x16, 3, 1, 0, 0}, 0, withEmptyRecord, 60, 5);
    System.arraycopy(records, 60, withEmptyRecord, 65, records.length - 60);
    // A record of another type (alert) before the hello is complete.
    byte[] interrupted = Arrays.copyOf(records, records.length);
    interrupted[120] = 0x15;

    for (byte[] input : List.of(withEmptyRecord, interrupted)) {
      EmbeddedChannel channel = harness.client(bySniAndAlpn());
      for (byte[] record : split(input, 1)) {
        if (!channel.isOpen()) {
          break;
        }
        channel.writeInbound(Unpooled.wrappedBuffer(record));
      }
      channel.advanceTimeBy(11, TimeUnit.SECONDS);
      channel.runScheduledPendingTasks();
      assertThat(channel.isOpen()).isFalse();
      channel.finishAndReleaseAll();
    }
    assertThat(harness.dialed).as("neither reaches any route, least of all the default").isEmpty();
  }

  @Test
  void a16KiBHelloInOneByteRecordsCostsCopiesLinearInItsSize() throws Exception {
    byte[] single = ClientHellos.paddedTo(16 * 1024, "polling.localhost", List.of());
    byte[] records = ClientHellos.inRecordsOf(single, 1);
    CopyCountingAllocator allocator = new CopyCountingAllocator();
    EmbeddedChannel channel = harness.client(bySniAndAlpn());
    channel.config().setAllocator(allocator);

    List<byte[]> parts = split(records, 1);
    for (byte[] record : parts) {
      channel.writeInbound(Unpooled.wrappedBuffer(record));
    }

    assertThat(parts).hasSize(16 * 1024 + 4);
    assertThat(harness.dialed).containsExactly("polling");
    // Each byte is buffered once, plus the copies a doubling buffer makes as it grows (at most as
    // many again), plus the hello reassembled once without its record headers. Recopying what was
    // buffered on every record would be about 16,000 times the input.
    assertThat(allocator.bytesCopied())
        .as("bytes copied for %d bytes of records", records.length)
        .isBetween((long) records.length, 8L * records.length);
    assertThat(ClientHelloHarness.forwarded(harness.upstreams.get(0))).isEqualTo(records);
  }

  @Test
  void overRealSocketsAPollingHelloInOneByteRecordsReachesOnlyThePollingBackend() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket polling = new ServerSocket(0, 50, loopback);
        ServerSocket web = new ServerSocket(0, 50, loopback)) {
      RouterServer router =
          RouterServer.start(
              RouterConfig.builder()
                  .bindAddress(new InetSocketAddress(loopback, 0))
                  .routes(
                      RouteTable.builder()
                          .exact("polling.localhost", new Route("polling", upstream(polling)))
                          .defaultRoute(new Route("web", upstream(web)))
                          .build())
                  .build());
      try {
        byte[] records = ClientHellos.inRecordsOf(ClientHellos.from("polling.localhost"), 1);
        CompletableFuture<byte[]> pollingSaw =
            CompletableFuture.supplyAsync(
                () -> {
                  try (Socket upstream = polling.accept()) {
                    return upstream.getInputStream().readAllBytes(); // until the client's FIN
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                },
                threads);

        try (Socket client = TestClients.plain(router.localAddress().getPort())) {
          client.setTcpNoDelay(true);
          OutputStream out = client.getOutputStream();
          for (byte[] record : split(records, 1)) {
            out.write(record);
            out.flush();
          }
          client.shutdownOutput();

          assertThat(pollingSaw.get(10, TimeUnit.SECONDS)).isEqualTo(records);
        }
        assertThat(router.metrics().routed("polling")).isEqualTo(1);
        assertThat(router.metrics().routed("web")).isZero();
      } finally {
        router.close();
      }
    }
  }

  private static Upstream upstream(ServerSocket backend) {
    return Upstream.single(
        new InetSocketAddress(backend.getInetAddress(), backend.getLocalPort()), false);
  }
}
