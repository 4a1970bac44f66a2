package io.cuttle.dist.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on loopback that breaks the connections it carries the way bad networks do. Put
 * it between a tentacle and the router (or the server's public port), or between a router and the
 * server: it sees only TLS bytes, so its faults are about bytes and connections, not messages.
 *
 * <ul>
 *   <li>{@link #refuseNew} resets every connection attempt, like a host whose service is down.
 *   <li>{@link #pause} stops carrying bytes both ways until {@link #resume}; nothing is lost.
 *   <li>{@link #latency} delays every chunk each way.
 *   <li>{@link #resetAll} drops every open connection with an RST.
 *   <li>{@link #blackhole} makes every open connection go silent both ways without a FIN or RST,
 *       like a middlebox that lost its state (half-open): only a heartbeat can tell.
 *   <li>{@link #holdBackTail} withholds the last bytes of the next chunk toward the client, so a
 *       message arrives all but complete, until {@link #releaseHeld}.
 *   <li>{@link #cutOnceAfter} closes the connection that carries the given number of bytes more
 *       toward the client, like a link dropped in the middle of a download.
 *   <li>{@link #dropAnswersAfterNextRequest} lets the next bytes from a client through and then
 *       drops everything the server answers on that connection: the request is served, its answer
 *       lost.
 * </ul>
 */
public final class FaultForwarder implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicLong untilCut = new AtomicLong(Long.MAX_VALUE);
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger tailToHold = new AtomicInteger();
  private final AtomicInteger tailsHeld = new AtomicInteger();
  private final AtomicLong bytesTowardServer = new AtomicLong();
  private final AtomicBoolean dropAnswersArmed = new AtomicBoolean();
  private final Object gate = new Object();
  private volatile boolean refusing;
  private volatile boolean paused;
  private volatile boolean holding;
  private volatile long latencyMillis;
  private volatile boolean closed;

  public FaultForwarder(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** A forwarder to {@code port} on loopback. */
  public static FaultForwarder toLoopback(int port) throws IOException {
    return new FaultForwarder(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Connections forwarded so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Connection attempts reset by {@link #refuseNew} so far. */
  public int refused() {
    return refused.get();
  }

  /** While true, connection attempts are reset at once; open connections carry on. */
  public void refuseNew(boolean refuse) {
    refusing = refuse;
  }

  /** Stops carrying bytes on every connection, both ways, until {@link #resume}. */
  public void pause() {
    paused = true;
  }

  public void resume() {
    synchronized (gate) {
      paused = false;
      gate.notifyAll();
    }
  }

  /** Delays every chunk, each way, by {@code delay} (zero: none). */
  public void latency(Duration delay) {
    latencyMillis = delay.toMillis();
  }

  /** Drops every open connection with an RST, both sides. */
  public void resetAll() {
    links.forEach(Link::reset);
  }

  /** Silences every connection open now, in both directions, without closing anything. */
  public void blackhole() {
    links.forEach(link -> link.silenced = true);
  }

  /**
   * Withholds the last {@code bytes} of the next chunk toward a client, and everything after it on
   * that connection, until {@link #releaseHeld}.
   */
  public void holdBackTail(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("bytes: " + bytes + " (expected: > 0)");
    }
    holding = true;
    tailToHold.set(bytes);
  }

  /** Tails withheld by {@link #holdBackTail} so far. */
  public int tailsHeld() {
    return tailsHeld.get();
  }

  /** Bytes read from clients so far, whether or not a fault let them through. */
  public long bytesTowardServer() {
    return bytesTowardServer.get();
  }

  public void releaseHeld() {
    synchronized (gate) {
      holding = false;
      gate.notifyAll();
    }
  }

  /**
   * Closes, once, whichever connection is carrying data toward the client when {@code bytes} more
   * have gone that way (over all connections) from now on.
   */
  public void cutOnceAfter(long bytes) {
    untilCut.set(bytes);
  }

  /** Connections closed by {@link #cutOnceAfter} so far. */
  public int cuts() {
    return cuts.get();
  }

  /**
   * Forwards the next bytes any client sends, then drops whatever the server sends back on that
   * connection (the connection stays open: pair with {@link #resetAll} to end it).
   */
  public void dropAnswersAfterNextRequest() {
    dropAnswersArmed.set(true);
  }

  /** Ends every fault still in force except half-open links, which only their ends can notice. */
  public void heal() {
    refuseNew(false);
    latency(Duration.ZERO);
    untilCut.set(Long.MAX_VALUE);
    dropAnswersArmed.set(false);
    resume();
    releaseHeld();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        if (refusing) {
          refused.incrementAndGet();
          resetQuietly(client);
          continue;
        }
        Socket upstream;
        try {
          upstream = new Socket(target.getAddress(), target.getPort());
        } catch (IOException e) {
          resetQuietly(client); // the target is down: the client sees the refusal
          continue;
        }
        accepted.incrementAndGet();
        Link link = new Link(client, upstream);
        links.add(link);
        threads.execute(() -> pump(link, client, upstream, false));
        threads.execute(() -> pump(link, upstream, client, true));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Link link, Socket from, Socket to, boolean towardClient) {
    byte[] buffer = new byte[16 * 1024];
    try {
      // Not closed when done: closing a socket's stream closes the socket, which a half-open
      // link must never do.
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; !link.silenced && (n = in.read(buffer)) >= 0; ) {
        if (!towardClient) {
          bytesTowardServer.addAndGet(n);
        }
        awaitWhile(() -> paused);
        if (latencyMillis > 0) {
          Thread.sleep(latencyMillis);
        }
        if (link.silenced || (towardClient && link.answersDropped)) {
          continue; // what arrives on a silenced link is dropped
        }
        int tail = towardClient && holding ? Math.min(tailToHold.getAndSet(0), n - 1) : 0;
        out.write(buffer, 0, n - Math.max(tail, 0));
        if (tail > 0) {
          tailsHeld.incrementAndGet();
          awaitWhile(() -> holding);
          out.write(buffer, n - tail, tail);
        }
        if (!towardClient && dropAnswersArmed.compareAndSet(true, false)) {
          link.answersDropped = true;
        }
        if (towardClient
            && untilCut.addAndGet(-n) <= 0
            && untilCut.getAndSet(Long.MAX_VALUE) <= 0) {
          cuts.incrementAndGet();
          link.close();
          return;
        }
      }
      if (!link.silenced) {
        to.shutdownOutput(); // pass the end on; the link closes when both ways have ended
        link.oneWayEnded();
      }
    } catch (IOException e) {
      if (!link.silenced) {
        link.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the forwarder is closing
    }
    // A silenced link stays open and says nothing until the forwarder closes.
  }

  /** Blocks while {@code condition} holds; the forwarder closing ends every wait. */
  private void awaitWhile(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    synchronized (gate) {
      while (condition.getAsBoolean() && !closed) {
        gate.wait(100);
      }
    }
  }

  private static void resetQuietly(Socket socket) {
    try {
      socket.setSoLinger(true, 0); // close with an RST rather than a FIN
      socket.close();
    } catch (IOException ignored) {
      // gone already
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (gate) {
      closed = true;
      gate.notifyAll();
    }
    listener.close();
    links.forEach(Link::close);
    threads.shutdownNow();
  }

  private static final class Link {
    final Socket client;
    final Socket upstream;
    volatile boolean silenced;
    volatile boolean answersDropped;
    private final AtomicInteger waysEnded = new AtomicInteger();

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void oneWayEnded() {
      if (waysEnded.incrementAndGet() == 2) {
        close();
      }
    }

    void reset() {
      resetQuietly(client);
      resetQuietly(upstream);
    }

    void close() {
      try {
        client.close();
        upstream.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
