package io.cuttle.router;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Active TCP health checks: each endpoint of an upstream that asks for them is dialled every
 * interval and the connection closed at once; a refused or timed-out dial takes the endpoint out of
 * rotation until a later check succeeds. A TCP check proves the port answers, which is what the
 * router needs: it never looks inside the TLS it passes through.
 */
final class HealthChecks implements AutoCloseable {
  private final EventLoopGroup loops;
  private final UpstreamPool pool;
  private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();

  HealthChecks(EventLoopGroup loops, UpstreamPool pool) {
    this.loops = loops;
    this.pool = pool;
  }

  /** Checks the upstreams of {@code routes} from now on, instead of those checked before. */
  synchronized void checkUpstreamsOf(RouteTable routes) {
    cancelAll();
    for (Upstream upstream : routes.upstreams()) {
      if (upstream.healthCheckInterval().isZero()) {
        continue;
      }
      long intervalMillis = upstream.healthCheckInterval().toMillis();
      for (InetSocketAddress endpoint : upstream.endpoints()) {
        scheduled.add(
            loops
                .next()
                .scheduleWithFixedDelay(
                    () -> check(upstream, endpoint), 0, intervalMillis, TimeUnit.MILLISECONDS));
      }
    }
  }

  private void check(Upstream upstream, InetSocketAddress endpoint) {
    ChannelFuture dial =
        new Bootstrap()
            .group(loops.next())
            .channel(Transports.clientChannel())
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, upstream.healthCheckTimeout().toMillis()))
            .option(ChannelOption.AUTO_READ, false)
            .handler(new ChannelInboundHandlerAdapter())
            .connect(endpoint);
    dial.addListener(
        f -> {
          pool.healthChecked(upstream, endpoint, f.isSuccess() ? null : f.cause());
          if (f.isSuccess()) {
            dial.channel().close();
          }
        });
  }

  private void cancelAll() {
    scheduled.forEach(f -> f.cancel(false));
    scheduled.clear();
  }

  @Override
  public synchronized void close() {
    cancelAll();
  }
}
