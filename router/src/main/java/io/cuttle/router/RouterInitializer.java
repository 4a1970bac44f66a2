package io.cuttle.router;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * Sets up each accepted connection: start its access-log record, count it, track it for shutdown,
 * and put a {@link ClientHelloRouter} in front to choose its route.
 */
final class RouterInitializer extends ChannelInitializer<SocketChannel> {
  private final RouterConfig config;
  private final RouterStats stats;
  private final UpstreamDialer dialer;
  private final ChannelGroup live;
  private final UpstreamHealth health = new UpstreamHealth();

  RouterInitializer(
      RouterConfig config, RouterStats stats, UpstreamDialer dialer, ChannelGroup live) {
    this.config = config;
    this.stats = stats;
    this.dialer = dialer;
    this.live = live;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    ConnectionRecord record = new ConnectionRecord(channel.remoteAddress());
    channel.attr(ConnectionRecord.KEY).set(record);
    stats.recordAccepted();
    live.add(channel);
    channel
        .closeFuture()
        .addListener(
            f -> {
              stats.recordClosed();
              record.logClosed();
            });
    channel
        .pipeline()
        .addLast("client-hello", new ClientHelloRouter(config, stats, dialer, health, record));
  }
}
