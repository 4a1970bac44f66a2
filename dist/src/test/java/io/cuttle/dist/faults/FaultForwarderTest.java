package io.cuttle.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each fault of the forwarder, seen from a real client through real sockets to an echo server. */
@Timeout(60)
class FaultForwarderTest {
  private static final Duration QUIET = Duration.ofMillis(300);

  private ServerSocket echo;
  private final ExecutorService echoThreads = Executors.newCachedThreadPool();
  private final AtomicInteger bytesEchoed = new AtomicInteger();
  private FaultForwarder forwarder;

  @BeforeEach
  void startEchoServer() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThreads.execute(
        () -> {
          while (!echo.isClosed()) {
            try {
              Socket socket = echo.accept();
              echoThreads.execute(() -> echoAll(socket));
            } catch (IOException e) {
              return;
            }
          }
        });
    forwarder = FaultForwarder.toLoopback(echo.getLocalPort());
  }

  private void echoAll(Socket socket) {
    byte[] buffer = new byte[4096];
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        bytesEchoed.addAndGet(n);
      }
    } catch (IOException e) {
      // the client or the forwarder dropped it
    }
  }

  @AfterEach
  void stop() throws IOException {
    forwarder.close();
    echo.close();
    echoThreads.shutdownNow();
  }

  @Test
  void forwardsBothWaysUntilAFaultIsAsked() throws IOException {
    try (Socket client = connect()) {
      assertThat(roundTrip(client, "hello")).isEqualTo("hello");
    }
    assertThat(forwarder.accepted()).isEqualTo(1);
  }

  @Test
  void refusingResetsNewConnectionsAndLeavesOpenOnesAlone() throws IOException {
    try (Socket open = connect()) {
      assertThat(roundTrip(open, "open")).isEqualTo("open");
      forwarder.refuseNew(true);
      try (Socket refused = connect()) {
        assertThatThrownBy(() -> refused.getInputStream().read())
            .isInstanceOf(SocketException.class);
      }
      assertThat(roundTrip(open, "still here")).isEqualTo("still here");
      assertThat(forwarder.refused()).isEqualTo(1);

      forwarder.refuseNew(false);
      try (Socket again = connect()) {
        assertThat(roundTrip(again, "back")).isEqualTo("back");
      }
    }
  }

  @Test
  void pausedTrafficIsHeldAndThenDeliveredWhole() throws IOException {
    try (Socket client = connect()) {
      forwarder.pause();
      send(client, "held");
      assertNothingArrives(client);

      forwarder.resume();
      assertThat(read(client, 4)).isEqualTo("held");
    }
  }

  @Test
  void latencyDelaysEveryChunk() throws IOException {
    try (Socket client = connect()) {
      forwarder.latency(Duration.ofMillis(200));
      long start = System.nanoTime();
      assertThat(roundTrip(client, "slow")).isEqualTo("slow");
      // There and back: at least two delays.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(QUIET);
    }
  }

  @Test
  void resetDropsOpenConnectionsWithAnRst() throws IOException {
    try (Socket client = connect()) {
      assertThat(roundTrip(client, "a")).isEqualTo("a");
      forwarder.resetAll();
      assertThatThrownBy(() -> client.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
  }

  @Test
  void aBlackholedConnectionStaysOpenAndSilentBothWays() throws IOException {
    try (Socket client = connect()) {
      assertThat(roundTrip(client, "a")).isEqualTo("a");
      // The echo server counts a byte after writing it back, so the client may read it first.
      await().atMost(Duration.ofSeconds(10)).until(() -> bytesEchoed.get() == 1);
      int echoedBefore = bytesEchoed.get();
      forwarder.blackhole();
      send(client, "lost");
      assertNothingArrives(client);
      assertThat(client.isClosed()).isFalse();
      assertThat(bytesEchoed.get()).as("nothing reached the server").isEqualTo(echoedBefore);
    }
  }

  @Test
  void theTailOfAMessageIsHeldBackUntilReleased() throws IOException {
    try (Socket client = connect()) {
      forwarder.holdBackTail(3);
      send(client, "message");
      assertThat(read(client, 4)).isEqualTo("mess");
      assertNothingArrives(client);

      forwarder.releaseHeld();
      assertThat(read(client, 3)).isEqualTo("age");
      assertThat(roundTrip(client, "next")).isEqualTo("next");
    }
  }

  @Test
  void aConnectionIsCutOnceAfterTheGivenBytesTowardTheClient() throws IOException {
    try (Socket client = connect()) {
      forwarder.cutOnceAfter(5);
      send(client, "12345678");
      byte[] received = client.getInputStream().readAllBytes();
      assertThat(received.length).isGreaterThanOrEqualTo(5);
      assertThat(forwarder.cuts()).isEqualTo(1);
    }
    try (Socket next = connect()) {
      assertThat(roundTrip(next, "whole")).isEqualTo("whole");
    }
    assertThat(forwarder.cuts()).isEqualTo(1);
  }

  @Test
  void theAnswerToTheNextRequestIsDroppedWhileTheRequestIsServed() throws IOException {
    try (Socket client = connect()) {
      forwarder.dropAnswersAfterNextRequest();
      send(client, "served");
      await().atMost(Duration.ofSeconds(10)).until(() -> bytesEchoed.get() == 6);
      assertNothingArrives(client);
    }
    try (Socket other = connect()) {
      assertThat(roundTrip(other, "fine")).isEqualTo("fine");
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), forwarder.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String roundTrip(Socket socket, String text) throws IOException {
    send(socket, text);
    return read(socket, text.length());
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  private static String read(Socket socket, int length) throws IOException {
    byte[] bytes = socket.getInputStream().readNBytes(length);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  private static void assertNothingArrives(Socket socket) throws IOException {
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout((int) QUIET.toMillis());
    try {
      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
    } finally {
      socket.setSoTimeout(timeout);
    }
  }
}
