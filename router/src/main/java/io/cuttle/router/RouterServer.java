package io.cuttle.router;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener that routes each connection by its TLS ClientHello and relays it untouched: TLS is
 * never terminated here, so client and upstream authenticate each other end to end.
 *
 * <pre>{@code
 * RouterServer router = RouterServer.start(RouterConfig.builder()
 *     .bindAddress(new InetSocketAddress(443))
 *     .routes(RouteTable.builder()
 *         .exact("polling.example.com", new Route("polling", new Upstream(pollingAddress, true)))
 *         .defaultRoute(new Route("web", new Upstream(webAddress, false)))
 *         .build())
 *     .build());
 * ...
 * router.closeGracefully(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Each accepted connection goes through a {@link RouterInitializer}, which hands it to a {@link
 * ClientHelloRouter}; once routed, a {@link RelayHandler} on each leg copies the bytes. Native
 * epoll is used where available, NIO elsewhere ({@link Transports}).
 *
 * <p>Closing, in order: {@link #closeGracefully(Duration)} (1) stops accepting and health checking:
 * the listening sockets are closed, so new clients are refused by the operating system; (2) waits
 * for live connections to end on their own, up to the drain deadline; (3) closes whatever is left,
 * client and upstream legs both, logging them as closed by "router shutdown"; (4) stops the event
 * loops and waits for them to finish. {@link #close()} is the same with no wait in step 2. Both may
 * be called more than once and from any thread other than the router's own event loops.
 */
public final class RouterServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RouterServer.class);

  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final List<Channel> listeners;
  private final ChannelGroup live;
  private final RouterMetrics metrics;
  private final AtomicReference<RouteTable> routes;
  private final HealthChecks healthChecks;
  private volatile boolean closing;

  private RouterServer(
      EventLoopGroup acceptors,
      EventLoopGroup workers,
      List<Channel> listeners,
      ChannelGroup live,
      RouterMetrics metrics,
      AtomicReference<RouteTable> routes,
      HealthChecks healthChecks) {
    this.acceptors = acceptors;
    this.workers = workers;
    this.listeners = listeners;
    this.live = live;
    this.metrics = metrics;
    this.routes = routes;
    this.healthChecks = healthChecks;
  }

  /** Binds {@link RouterConfig#listeners()} and starts routing; returns once listening. */
  public static RouterServer start(RouterConfig config) {
    Objects.requireNonNull(config, "config");
    return start(config, UpstreamDialer.sockets(config));
  }

  static RouterServer start(RouterConfig config, UpstreamDialer dialer) {
    if (config.reusePort()) {
      Transports.requireReusePort();
    }
    EventLoopGroup acceptors = Transports.eventLoops("cuttle-router-accept", 1);
    EventLoopGroup workers = Transports.eventLoops("cuttle-router-io", 0);
    ChannelGroup live = new DefaultChannelGroup("router-connections", GlobalEventExecutor.INSTANCE);
    RouterMetrics metrics = new RouterMetrics();
    UpstreamPool pool = new UpstreamPool(metrics);
    AtomicReference<RouteTable> routes = new AtomicReference<>(config.routes());
    HealthChecks healthChecks = new HealthChecks(workers, pool);
    List<Channel> listeners = new ArrayList<>();
    try {
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(acceptors, workers)
              .channel(Transports.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.SO_REUSEADDR, true)
              // Reads are asked for one at a time: first by ClientHelloRouter, then by the relay
              // only after the previous chunk was written, so nothing buffers without bound.
              .childOption(ChannelOption.AUTO_READ, false)
              // A client's FIN is passed on as a half-close instead of closing both directions.
              .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.SO_KEEPALIVE, true)
              .childHandler(
                  new RouterInitializer(
                      config,
                      routes::get,
                      metrics,
                      new UpstreamConnector(dialer, pool, metrics),
                      new ConnectionLimiter(
                          config.maxConnections(), config.perSourceRate(), config.perSourceBurst()),
                      live));
      if (config.reusePort()) {
        bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
      }
      for (InetSocketAddress address : config.listeners()) {
        listeners.add(bootstrap.bind(address).syncUninterruptibly().channel());
      }
      healthChecks.checkUpstreamsOf(config.routes());
      log.debug(
          "Router listening on {} ({} transport), {}",
          listeners.stream().map(Channel::localAddress).toList(),
          Transports.isNative() ? "epoll" : "nio",
          config.routes());
      return new RouterServer(
          acceptors, workers, List.copyOf(listeners), live, metrics, routes, healthChecks);
    } catch (RuntimeException e) {
      healthChecks.close();
      listeners.forEach(Channel::close);
      acceptors.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
      throw e;
    }
  }

  /** The first listener's bound address: with port 0 in the config, this tells which port. */
  public InetSocketAddress localAddress() {
    return localAddresses().get(0);
  }

  /** Every listener's bound address, in the order configured. */
  public List<InetSocketAddress> localAddresses() {
    return listeners.stream().map(l -> (InetSocketAddress) l.localAddress()).toList();
  }

  public RouterMetrics metrics() {
    return metrics;
  }

  /**
   * Whether the router takes new connections: every listener is bound and it is not closing. What
   * the admin port's {@code /health/ready} answers.
   */
  public boolean accepting() {
    return !closing && listeners.stream().allMatch(Channel::isActive);
  }

  public RouteTable routes() {
    return routes.get();
  }

  /**
   * Routes new connections by {@code newRoutes} from now on. Connections already routed keep their
   * upstream; endpoints kept by the new table keep their health and connection counts.
   */
  public void reload(RouteTable newRoutes) {
    Objects.requireNonNull(newRoutes, "newRoutes");
    routes.set(newRoutes);
    healthChecks.checkUpstreamsOf(newRoutes);
    log.info("Routes reloaded: {}", newRoutes);
  }

  /**
   * Stops accepting, lets live connections finish for up to {@code drain}, then closes the rest and
   * stops the event loops; returns when all of that is done. See the class comment for the order.
   */
  public void closeGracefully(Duration drain) {
    Objects.requireNonNull(drain, "drain");
    closing = true;
    healthChecks.close();
    listeners.forEach(l -> l.close().syncUninterruptibly());
    long deadline = System.nanoTime() + drain.toNanos();
    // A snapshot: nothing new joins once the listener is closed.
    for (Channel connection : List.copyOf(live)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !connection.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        break;
      }
    }
    for (Channel connection : live) {
      ConnectionRecord record = connection.attr(ConnectionRecord.KEY).get();
      // A connection that closed on its own may still be in the group for a moment: its close
      // future completes before the group hears of it, and its record already has its reason.
      if (record != null && connection.isOpen()) {
        record.closing(CloseReason.SHUTDOWN);
      }
    }
    // Closing a client leg closes its upstream leg too (RelayHandler, ClientHelloRouter).
    live.close().awaitUninterruptibly();
    acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Stops accepting, closes every live connection and stops the event loops; see the class. */
  @Override
  public void close() {
    closeGracefully(Duration.ZERO);
  }
}
