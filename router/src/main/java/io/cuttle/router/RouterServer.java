package io.cuttle.router;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener that routes each connection by its TLS ClientHello and relays it untouched.
 *
 * <p>Closing, in order: {@link #closeGracefully(Duration)} first stops accepting, then waits for
 * live connections to end on their own up to the deadline, then closes whatever is left and stops
 * the event loops. {@link #close()} is the same with no wait.
 */
public final class RouterServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RouterServer.class);

  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final Channel listener;
  private final ChannelGroup live;
  private final RouterStats stats;

  private RouterServer(
      EventLoopGroup acceptors,
      EventLoopGroup workers,
      Channel listener,
      ChannelGroup live,
      RouterStats stats) {
    this.acceptors = acceptors;
    this.workers = workers;
    this.listener = listener;
    this.live = live;
    this.stats = stats;
  }

  public static RouterServer start(RouterConfig config) {
    return start(config, UpstreamDialer.sockets(config));
  }

  static RouterServer start(RouterConfig config, UpstreamDialer dialer) {
    EventLoopGroup acceptors = Transports.eventLoops(1);
    EventLoopGroup workers = Transports.eventLoops(0);
    ChannelGroup live = new DefaultChannelGroup("router-connections", GlobalEventExecutor.INSTANCE);
    RouterStats stats = new RouterStats();
    try {
      Channel listener =
          new ServerBootstrap()
              .group(acceptors, workers)
              .channel(Transports.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.SO_KEEPALIVE, true)
              .childHandler(new RouterInitializer(config, stats, dialer, live))
              .bind(config.bindAddress())
              .syncUninterruptibly()
              .channel();
      log.debug(
          "Router listening on {} ({} transport)",
          listener.localAddress(),
          Transports.native_() ? "epoll" : "nio");
      return new RouterServer(acceptors, workers, listener, live, stats);
    } catch (RuntimeException e) {
      acceptors.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.localAddress();
  }

  public RouterStats stats() {
    return stats;
  }

  /**
   * Stops accepting, lets live connections finish for up to {@code drain}, then closes the rest.
   */
  public void closeGracefully(Duration drain) {
    listener.close().syncUninterruptibly();
    long deadline = System.nanoTime() + drain.toNanos();
    while (!live.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    live.close().awaitUninterruptibly();
    acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public void close() {
    closeGracefully(Duration.ZERO);
  }
}
