package io.cuttle.router;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;

/** Opens the upstream leg of a connection. A seam, so handler tests can run without sockets. */
interface UpstreamDialer {

  /** Connects to {@code endpoint} for {@code client}; the channel reads nothing until told to. */
  Future<Channel> dial(Channel client, InetSocketAddress endpoint);

  /** Dials with a real socket on the client's own event loop, so both legs share one thread. */
  static UpstreamDialer sockets(RouterConfig config) {
    return (client, endpoint) -> {
      Promise<Channel> promise = client.eventLoop().newPromise();
      new Bootstrap()
          .group(client.eventLoop())
          .channel(Transports.clientChannel())
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.SO_KEEPALIVE, true)
          .option(
              ChannelOption.CONNECT_TIMEOUT_MILLIS,
              (int) config.upstreamConnectTimeout().toMillis())
          .handler(new ChannelInboundHandlerAdapter())
          .connect(endpoint)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      promise.setSuccess(f.channel());
                    } else {
                      promise.setFailure(f.cause());
                    }
                  });
      return promise;
    };
  }
}
