package io.cuttle.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ClientHelloRouter} on an {@link EmbeddedChannel}, without any socket. The upstream
 * dialer is a seam: it records which upstream was chosen (by the endpoint's host name, which tests
 * set to the route's name) and hands back an {@link EmbeddedChannel} whose outbound queue shows
 * exactly the bytes the router forwarded.
 */
final class ClientHelloHarness {
  final List<String> dialed = new ArrayList<>();
  final List<EmbeddedChannel> upstreams = new ArrayList<>();
  final RouterMetrics stats = new RouterMetrics();
  int maxClientHelloBytes = 16 * 1024;

  /** A client connection whose ClientHelloRouter dials nothing real. */
  EmbeddedChannel client(RouteTable routes) {
    RouterConfig config =
        RouterConfig.builder()
            .bindAddress(new InetSocketAddress(0))
            .routes(routes)
            .maxClientHelloBytes(maxClientHelloBytes)
            .clientHelloTimeout(Duration.ofSeconds(10))
            .build();
    UpstreamDialer dialer =
        (client, endpoint) -> {
          dialed.add(endpoint.getHostString()); // the route's name, see route()
          EmbeddedChannel upstreamChannel = new EmbeddedChannel();
          upstreams.add(upstreamChannel);
          return client.eventLoop().<Channel>newSucceededFuture(upstreamChannel);
        };
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAutoRead(false);
    ConnectionRecord record = new ConnectionRecord(channel.remoteAddress());
    channel.attr(ConnectionRecord.KEY).set(record);
    channel
        .pipeline()
        .addLast(
            new ClientHelloRouter(
                config,
                routes,
                stats,
                new UpstreamConnector(dialer, new UpstreamPool(stats), stats),
                record));
    return channel;
  }

  static byte[] forwarded(EmbeddedChannel upstream) {
    ByteBuf all = Unpooled.buffer();
    for (Object message; (message = upstream.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) message;
      all.writeBytes(buf);
      buf.release();
    }
    return ByteBufUtil.getBytes(all);
  }
}
