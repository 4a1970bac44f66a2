package io.cuttle.router;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A crowd of slow-loris clients on loopback: each connects and then sends nothing, or trickles a
 * given first message one byte per tick, never finishing it in time. All of them run on the
 * caller's thread through non-blocking sockets, so fifty cost no threads.
 */
public final class SlowClients implements AutoCloseable {
  private final List<Client> clients;
  private final long connectedNanos;

  private SlowClients(List<Client> clients, long connectedNanos) {
    this.clients = clients;
    this.connectedNanos = connectedNanos;
  }

  /** {@code count} clients that connect to {@code port} and never send a byte. */
  public static SlowClients silent(int port, int count) throws IOException {
    return trickling(port, count, new byte[0]);
  }

  /**
   * {@code count} clients that connect to {@code port} and send {@code message} one byte per tick
   * of {@link #awaitAllClosed}.
   */
  public static SlowClients trickling(int port, int count, byte[] message) throws IOException {
    return connect(port, count, new byte[0], message);
  }

  /** {@code count} clients that connect to {@code port}, send {@code message} whole, then stall. */
  public static SlowClients sendingAtOnce(int port, int count, byte[] message) throws IOException {
    return connect(port, count, message, new byte[0]);
  }

  private static SlowClients connect(int port, int count, byte[] atOnce, byte[] trickled)
      throws IOException {
    List<Client> clients = new ArrayList<>();
    long connected = System.nanoTime();
    try {
      for (int i = 0; i < count; i++) {
        SocketChannel channel =
            SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        clients.add(new Client(channel, trickled));
        // Blocking until the kernel took it all: a first flight is far smaller than its buffer.
        channel.write(ByteBuffer.wrap(atOnce));
        channel.configureBlocking(false);
      }
    } catch (IOException | RuntimeException e) {
      clients.forEach(Client::close);
      throw e;
    }
    return new SlowClients(clients, connected);
  }

  /** How many of the clients the server has not closed yet, reading what is there to read. */
  public int stillOpen() {
    return (int) clients.stream().filter(Client::checkOpen).count();
  }

  /**
   * Trickles one byte per client each {@code tick} until the server has closed every client (EOF or
   * reset), or {@code bound} has passed since they connected.
   *
   * @return how long after connecting the last client was closed, or empty when some were still
   *     open at {@code bound}
   */
  public Optional<Duration> awaitAllClosed(Duration bound, Duration tick)
      throws InterruptedException {
    long end = connectedNanos + bound.toNanos();
    while (System.nanoTime() < end) {
      for (Client client : clients) {
        client.sendNextByte();
      }
      if (stillOpen() == 0) {
        return Optional.of(Duration.ofNanos(System.nanoTime() - connectedNanos));
      }
      Thread.sleep(tick.toMillis());
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    clients.forEach(Client::close);
  }

  private static final class Client {
    private final SocketChannel channel;
    private final byte[] message;
    private final ByteBuffer sink = ByteBuffer.allocate(4096);
    private int sent;
    private boolean closedByServer;

    Client(SocketChannel channel, byte[] message) {
      this.channel = channel;
      this.message = message;
    }

    void sendNextByte() {
      if (closedByServer || sent >= message.length) {
        return;
      }
      try {
        channel.write(ByteBuffer.wrap(message, sent, 1));
        sent++;
      } catch (IOException e) {
        closedByServer = true; // reset or broken pipe: the server dropped us
      }
    }

    /** Drains what the server sent (an alert, a 408) and notes whether it closed the socket. */
    boolean checkOpen() {
      if (closedByServer) {
        return false;
      }
      try {
        int read;
        do {
          sink.clear();
          read = channel.read(sink);
        } while (read > 0);
        closedByServer = read < 0;
      } catch (IOException e) {
        closedByServer = true;
      }
      return !closedByServer;
    }

    void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // closing a socket the test no longer needs: nothing to do
      }
    }
  }
}
