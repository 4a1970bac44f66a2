package io.cuttle.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on loopback that can break the connections it carries the way bad networks do.
 * {@link #blackhole()} makes every connection open now go silent both ways without a FIN or RST,
 * like a middlebox that lost its state: nothing more is read or written on them, so only an
 * application-level heartbeat can tell. Connections accepted afterwards are forwarded normally.
 * {@link #cutOnceAfter} closes the connection that carries the given number of bytes more toward
 * the client, like a link dropped in the middle of a download.
 */
final class FaultForwarder implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicLong untilCut = new AtomicLong(Long.MAX_VALUE);
  private final AtomicInteger cuts = new AtomicInteger();

  FaultForwarder(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** Silences every connection open now, in both directions, without closing anything. */
  void blackhole() {
    links.forEach(link -> link.silenced = true);
  }

  /**
   * Closes, once, whichever connection is carrying data toward the client when {@code bytes} more
   * have gone that way (over all connections) from now on.
   */
  void cutOnceAfter(long bytes) {
    untilCut.set(bytes);
  }

  /** Connections closed by {@link #cutOnceAfter} so far. */
  int cuts() {
    return cuts.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        accepted.incrementAndGet();
        Socket upstream = new Socket(target.getAddress(), target.getPort());
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
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      for (int n; !link.silenced && (n = in.read(buffer)) >= 0; ) {
        if (link.silenced) {
          break; // what arrived after the blackhole is dropped
        }
        out.write(buffer, 0, n);
        if (towardClient
            && untilCut.addAndGet(-n) <= 0
            && untilCut.getAndSet(Long.MAX_VALUE) <= 0) {
          cuts.incrementAndGet();
          link.close();
          return;
        }
      }
      if (!link.silenced) {
        to.shutdownOutput();
      }
    } catch (IOException e) {
      if (!link.silenced) {
        link.close();
      }
    }
    // A silenced link stays open and says nothing until the forwarder closes.
  }

  @Override
  public void close() throws IOException {
    listener.close();
    links.forEach(Link::close);
    threads.shutdownNow();
  }

  private static final class Link {
    final Socket client;
    final Socket upstream;
    volatile boolean silenced;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
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
