package io.cuttle.router.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an admin connection whose whole request has not arrived this long after it was accepted:
 * sending nothing, or trickling a request a byte at a time, holds a socket no longer than that. It
 * sits after the aggregator, so the first message it sees is a complete request; the answer closes
 * the connection, so there is never a second.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
  private final long timeoutMillis;
  private ScheduledFuture<?> deadline;

  RequestDeadline(Duration timeout) {
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> ctx.close(), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    deadline.cancel(false);
    ctx.fireChannelRead(message);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    deadline.cancel(false);
    ctx.fireChannelInactive();
  }
}
