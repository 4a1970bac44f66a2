package io.cuttle.router;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.function.Supplier;

/**
 * Sets up each accepted connection: start its access-log record, count it, admit it or refuse it by
 * the connection limits, track it for shutdown, and put a {@link ClientHelloRouter} in front to
 * choose its route from the route table in force right now.
 */
final class RouterInitializer extends ChannelInitializer<SocketChannel> {
  private final RouterConfig config;
  private final Supplier<RouteTable> routes;
  private final RouterMetrics metrics;
  private final UpstreamConnector connector;
  private final ConnectionLimiter limiter;
  private final ChannelGroup live;

  RouterInitializer(
      RouterConfig config,
      Supplier<RouteTable> routes,
      RouterMetrics metrics,
      UpstreamConnector connector,
      ConnectionLimiter limiter,
      ChannelGroup live) {
    this.config = config;
    this.routes = routes;
    this.metrics = metrics;
    this.connector = connector;
    this.limiter = limiter;
    this.live = live;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    ConnectionRecord record = new ConnectionRecord(channel.remoteAddress());
    channel.attr(ConnectionRecord.KEY).set(record);
    metrics.recordAccepted();
    channel
        .closeFuture()
        .addListener(
            f -> {
              metrics.recordClosed();
              record.logClosed();
            });
    CloseReason refusal = limiter.admit(channel.remoteAddress().getAddress(), System.nanoTime());
    if (refusal != null) {
      // Nothing has been read (AUTO_READ is off) and nothing dialled: the cheapest refusal there
      // is.
      record.closing(refusal);
      metrics.recordRefused(refusal);
      channel.close();
      return;
    }
    channel.closeFuture().addListener(f -> limiter.release());
    live.add(channel);
    channel
        .pipeline()
        .addLast(
            "client-hello",
            new ClientHelloRouter(config, routes.get(), metrics, connector, record));
  }
}
