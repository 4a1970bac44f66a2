package io.cuttle.router;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Opens a connection's upstream leg: tries the upstream's endpoints in the order the {@link
 * UpstreamPool} gives, moving to the next one when a dial fails, so one dead node costs a client a
 * little time, not its connection. Only dials are retried: once an endpoint answered, its bytes are
 * the client's, and nothing is replayed anywhere else.
 */
final class UpstreamConnector {
  private final UpstreamDialer dialer;
  private final UpstreamPool pool;
  private final RouterMetrics metrics;

  UpstreamConnector(UpstreamDialer dialer, UpstreamPool pool, RouterMetrics metrics) {
    this.dialer = dialer;
    this.pool = pool;
    this.metrics = metrics;
  }

  Future<Channel> connect(Channel client, Upstream upstream, ConnectionRecord record) {
    Promise<Channel> promise = client.eventLoop().newPromise();
    tryEndpoint(client, upstream, pool.order(upstream), 0, record, promise);
    return promise;
  }

  private void tryEndpoint(
      Channel client,
      Upstream upstream,
      List<InetSocketAddress> endpoints,
      int index,
      ConnectionRecord record,
      Promise<Channel> promise) {
    InetSocketAddress endpoint = endpoints.get(index);
    record.endpoint = endpoint; // the last one tried, should all fail
    long start = System.nanoTime();
    dialer
        .dial(client, endpoint)
        .addListener(
            (Future<Channel> dialed) -> {
              if (dialed.isSuccess()) {
                Channel channel = dialed.getNow();
                metrics.dialed(upstream.name(), Duration.ofNanos(System.nanoTime() - start));
                pool.connected(upstream, endpoint);
                channel.closeFuture().addListener(closed -> pool.disconnected(endpoint));
                if (!promise.trySuccess(channel)) {
                  channel.close();
                }
                return;
              }
              pool.dialFailed(upstream, endpoint, dialed.cause());
              if (index + 1 < endpoints.size() && client.isActive()) {
                tryEndpoint(client, upstream, endpoints, index + 1, record, promise);
              } else {
                promise.tryFailure(dialed.cause());
              }
            });
  }
}
