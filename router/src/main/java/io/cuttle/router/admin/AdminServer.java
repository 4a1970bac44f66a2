package io.cuttle.router.admin;

import io.cuttle.router.RouterServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The router's admin port, plain HTTP meant for loopback or a management network: {@code GET
 * /metrics} (Prometheus), {@code GET /health/live} and {@code GET /health/ready} (for a supervisor
 * or load balancer), {@code GET /routes} (the table in force) and {@code POST /reload} (when the
 * router runs from a file). One event loop of its own serves it, out of the routing loops' way;
 * being non-blocking, a client that connects and stalls costs it a socket until the request
 * deadline, never a thread, so scrapes go on meanwhile.
 */
public final class AdminServer implements AutoCloseable {
  /** A scrape or reload request is a few hundred bytes: a client that needs longer is stalling. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Far above any request line and headers a scraper or the CLI sends; none sends a body. */
  private static final int MAX_REQUEST_BYTES = 16 * 1024;

  private final EventLoopGroup loop;
  private final Channel listener;

  private AdminServer(EventLoopGroup loop, Channel listener) {
    this.loop = loop;
    this.listener = listener;
  }

  /**
   * @param requestTimeout how long a connection has, from being accepted, to send its whole
   *     request; it is closed when the time is up
   */
  public static AdminServer start(
      InetSocketAddress bind,
      RouterServer router,
      Optional<RouterReloader> reloader,
      Duration requestTimeout)
      throws IOException {
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (requestTimeout.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "requestTimeout: " + requestTimeout + " (expected: >= 1ms)");
    }
    AdminRequests requests = new AdminRequests(router, reloader);
    EventLoopGroup loop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("cuttle-router-admin", true), NioIoHandler.newFactory());
    ChannelFuture bound =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel
                        .pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new HttpObjectAggregator(MAX_REQUEST_BYTES),
                            new RequestDeadline(requestTimeout),
                            requests);
                  }
                })
            .bind(bind)
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (bound.cause() instanceof IOException e) {
        throw e; // e.g. the port is taken: the caller explains it like any other listener's
      }
      throw new IOException("could not listen on " + bind + ": " + bound.cause(), bound.cause());
    }
    return new AdminServer(loop, bound.channel());
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  @Override
  public void close() {
    listener.close().awaitUninterruptibly();
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
