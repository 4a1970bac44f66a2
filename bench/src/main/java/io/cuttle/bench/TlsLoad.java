package io.cuttle.bench;

import io.cuttle.common.pki.PinnedTrustManager;
import io.cuttle.common.pki.Thumbprint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The one load generator for every target: plain JDK TLS sockets on loopback, asking for {@link
 * #SERVER_NAME} by SNI and trusting only the backend's pinned key, so a proxy that terminated TLS
 * would fail the run rather than flatter it.
 */
final class TlsLoad {
  static final String SERVER_NAME = "echo.localhost";
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int READ_TIMEOUT_MILLIS = 30_000;
  private static final Duration WARM_UP = Duration.ofMillis(300);

  private final SSLContext tls;
  private final int port;

  TlsLoad(Thumbprint backend, int port) throws GeneralSecurityException {
    this.tls = SSLContext.getInstance("TLS");
    tls.init(
        null,
        new TrustManager[] {new PinnedTrustManager(Set.of(backend), (seen, expected) -> {})},
        null);
    this.port = port;
  }

  /** A connection whose handshake is done and whose first byte came back through the target. */
  Connection open() throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
      plain.setTcpNoDelay(true);
      plain.setSoTimeout(READ_TIMEOUT_MILLIS);
      SSLSocket socket =
          (SSLSocket)
              tls.getSocketFactory().createSocket(plain, SERVER_NAME, port, /* autoClose= */ true);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(SERVER_NAME)));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      Connection connection = new Connection(plain, socket);
      connection.roundTrip(new byte[1]);
      return connection;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  /**
   * New connections per second, each a full handshake (no session resumption), one byte echoed,
   * then closed, from {@code threads} threads for {@code duration}.
   */
  double connectionsPerSecond(int threads, Duration duration) throws Exception {
    LongAdder completed = new LongAdder();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> started = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < threads; i++) {
      started.add(
          daemon(
              () -> {
                while (running.get()) {
                  try (Connection connection = open()) {
                    connection.tls.getSession().invalidate(); // the next one must not resume it
                  } catch (IOException | RuntimeException e) {
                    failures.add(e);
                    return;
                  }
                  completed.increment();
                }
              }));
    }
    long before = completed.sum();
    Thread.sleep(duration.toMillis());
    long after = completed.sum();
    running.set(false);
    joinAll(started);
    failIfAny(failures);
    return (after - before) / seconds(duration);
  }

  /**
   * Echoed megabytes (10^6 bytes) per second over {@code connections} established connections, each
   * streaming 16 KiB writes while it reads the echo. Every byte crosses the target twice, once each
   * way.
   */
  double throughputMegabytesPerSecond(int connections, Duration duration) throws Exception {
    List<Connection> open = new ArrayList<>();
    List<Thread> started = new ArrayList<>();
    LongAdder echoed = new LongAdder();
    try {
      for (int i = 0; i < connections; i++) {
        open.add(open());
      }
      for (Connection connection : open) {
        started.add(daemon(() -> connection.writeUntilClosed(16 * 1024)));
        started.add(daemon(() -> connection.readUntilClosed(echoed)));
      }
      Thread.sleep(WARM_UP.toMillis());
      long before = echoed.sum();
      Thread.sleep(duration.toMillis());
      long after = echoed.sum();
      return (after - before) / 1e6 / seconds(duration);
    } finally {
      closeAll(open); // ends the writers and readers: their sockets are gone
      joinAll(started);
    }
  }

  /**
   * Round-trip times of {@code samples} 64-byte echoes on one established connection, in
   * nanoseconds, sorted; after {@code warmup} unmeasured ones.
   */
  long[] roundTripNanos(int warmup, int samples) throws IOException {
    try (Connection connection = open()) {
      byte[] message = new byte[64];
      for (int i = 0; i < warmup; i++) {
        connection.roundTrip(message);
      }
      long[] nanos = new long[samples];
      for (int i = 0; i < samples; i++) {
        long start = System.nanoTime();
        connection.roundTrip(message);
        nanos[i] = System.nanoTime() - start;
      }
      Arrays.sort(nanos);
      return nanos;
    }
  }

  /** {@code count} established connections left idle; the caller closes them. */
  List<Connection> openIdle(int count) throws IOException {
    List<Connection> open = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        open.add(open());
      }
      return open;
    } catch (IOException | RuntimeException e) {
      closeAll(open);
      throw e;
    }
  }

  static void closeAll(List<Connection> connections) {
    connections.forEach(Connection::close);
  }

  private static Thread daemon(Runnable body) {
    Thread thread = new Thread(body, "tls-load");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void joinAll(List<Thread> threads) throws InterruptedException {
    for (Thread thread : threads) {
      thread.join(READ_TIMEOUT_MILLIS);
    }
  }

  private static void failIfAny(List<Throwable> failures) throws IOException {
    if (!failures.isEmpty()) {
      IOException failed = new IOException("the load generator failed", failures.get(0));
      failures.stream().skip(1).limit(5).forEach(failed::addSuppressed);
      throw failed;
    }
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  /**
   * One client connection. Closing closes the TCP socket under the TLS one, without a close_notify:
   * that never waits for a writer blocked on a full socket, and the targets treat both alike.
   */
  record Connection(Socket plain, SSLSocket tls) implements AutoCloseable {
    void roundTrip(byte[] message) throws IOException {
      tls.getOutputStream().write(message);
      tls.getOutputStream().flush();
      InputStream in = tls.getInputStream();
      int received = 0;
      while (received < message.length) {
        int n = in.read(message, received, message.length - received);
        if (n < 0) {
          throw new IOException("the target closed the connection after " + received + " bytes");
        }
        received += n;
      }
    }

    void writeUntilClosed(int chunkBytes) {
      byte[] chunk = new byte[chunkBytes];
      try {
        OutputStream out = tls.getOutputStream();
        while (!plain.isClosed()) {
          out.write(chunk);
        }
      } catch (IOException closed) {
        // the measurement is over and closed the connection
      }
    }

    void readUntilClosed(LongAdder received) {
      byte[] buffer = new byte[64 * 1024];
      try {
        InputStream in = tls.getInputStream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
          received.add(n);
        }
      } catch (IOException closed) {
        // the measurement is over and closed the connection
      }
    }

    @Override
    public void close() {
      try {
        plain.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }
}
