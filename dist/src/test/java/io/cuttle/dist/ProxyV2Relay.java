package io.cuttle.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for an external router such as HAProxy: accepts connections on loopback, connects to
 * an upstream from a chosen local address, writes a PROXY v2 header claiming the connection comes
 * from {@code claimedSource}, then copies bytes both ways untouched (TLS passes through).
 */
final class ProxyV2Relay implements AutoCloseable {
  private static final byte[] SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  private final ServerSocket listener;
  private final InetAddress from;
  private final InetSocketAddress upstream;
  private final InetSocketAddress claimedSource;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  ProxyV2Relay(InetAddress from, InetSocketAddress upstream, InetSocketAddress claimedSource)
      throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.from = from;
    this.upstream = upstream;
    this.claimedSource = claimedSource;
    Thread acceptor = new Thread(this::acceptLoop, "proxy-v2-relay");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** A PROXY v2 header for a TCP over IPv4 connection from {@code source} to {@code target}. */
  static byte[] header(InetSocketAddress source, InetSocketAddress target) {
    if (!(source.getAddress() instanceof Inet4Address)
        || !(target.getAddress() instanceof Inet4Address)) {
      throw new IllegalArgumentException("this test header speaks IPv4 only");
    }
    return ByteBuffer.allocate(SIGNATURE.length + 4 + 12)
        .put(SIGNATURE)
        .put((byte) 0x21) // version 2, command PROXY
        .put((byte) 0x11) // AF_INET, STREAM
        .putShort((short) 12)
        .put(source.getAddress().getAddress())
        .put(target.getAddress().getAddress())
        .putShort((short) source.getPort())
        .putShort((short) target.getPort())
        .array();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        open.add(client);
        open.add(server);
        server.bind(new InetSocketAddress(from, 0));
        server.connect(upstream);
        server.getOutputStream().write(header(claimedSource, upstream));
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        // closed, or the upstream refused: the client sees its connection end
      }
    }
  }

  private void pump(Socket in, Socket out) {
    Thread thread =
        new Thread(
            () -> {
              try (InputStream input = in.getInputStream();
                  OutputStream output = out.getOutputStream()) {
                input.transferTo(output);
              } catch (IOException e) {
                // one side went away
              } finally {
                closeQuietly(in);
                closeQuietly(out);
              }
            },
            "proxy-v2-relay-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    open.forEach(ProxyV2Relay::closeQuietly);
  }
}
