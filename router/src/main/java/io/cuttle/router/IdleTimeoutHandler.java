package io.cuttle.router;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a routed connection once no bytes have moved in either direction for the idle timeout. It
 * sits on the client leg only: that leg reads everything the client sends and writes everything the
 * upstream answers, so it sees both directions; closing it closes the upstream leg too.
 */
final class IdleTimeoutHandler extends IdleStateHandler {
  private final ConnectionRecord record;

  IdleTimeoutHandler(Duration idleTimeout, ConnectionRecord record) {
    // observeOutput: a slow reader still draining a large write is not idle.
    super(true, 0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
    this.record = record;
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
    record.closing(CloseReason.IDLE_TIMEOUT);
    ctx.close();
  }
}
