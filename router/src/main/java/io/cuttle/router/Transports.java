package io.cuttle.router;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Native epoll where the platform has it (Linux, with the native library on the class path), NIO
 * elsewhere. Both legs of a connection use the same kind, so they can share one event loop.
 */
final class Transports {
  private Transports() {}

  static boolean isNative() {
    return Epoll.isAvailable();
  }

  /** {@code threads} 0 means Netty's default (twice the cores); threads are named for dumps. */
  static EventLoopGroup eventLoops(String name, int threads) {
    IoHandlerFactory io = isNative() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), io);
  }

  /**
   * Fails, saying why, where listeners cannot share their address: only the epoll transport sets
   * SO_REUSEPORT, and without it a second router on the port would just fail to bind.
   */
  static void requireReusePort() {
    if (!isNative()) {
      throw new IllegalStateException(
          "reusePort: true needs the native epoll transport (Linux), which is unavailable here ("
              + Epoll.unavailabilityCause()
              + "); remove reusePort and run one router per address");
    }
  }

  static Class<? extends ServerSocketChannel> serverChannel() {
    return isNative() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  static Class<? extends SocketChannel> clientChannel() {
    return isNative() ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
