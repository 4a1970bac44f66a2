package io.cuttle.client.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyConnectionEvent;
import io.netty.handler.proxy.ProxyHandler;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Keeps the proxy's answer when it refuses a tunnel. A proxy that answers "407" and then closes the
 * connection (tinyproxy does) reaches Armeria's caller only as "channel closed"; the answer itself
 * goes to Armeria's pipeline, which logs it with a stack trace on every retry. A handler right
 * behind Netty's proxy handler takes the answer instead, so it can be explained once, in words.
 */
final class RefusalRecorder implements Consumer<ChannelPipeline> {
  private final AtomicReference<ProxyConnectException> last = new AtomicReference<>();

  /** Adds the recording handler to a new connection's pipeline, if it goes through a proxy. */
  @Override
  public void accept(ChannelPipeline pipeline) {
    ChannelHandlerContext proxy = pipeline.context(ProxyHandler.class);
    if (proxy != null) {
      pipeline.addAfter(proxy.name(), "cuttle-proxy-refusal", new Handler());
    }
  }

  /**
   * The proxy's last refusal, until a tunnel opens again. Not taken by the first caller: several
   * calls fail together when one tunnel attempt is refused, and the later ones see only "channel
   * closed"; each must be able to name the same answer.
   */
  Optional<ProxyConnectException> last() {
    return Optional.ofNullable(last.get());
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof ProxyConnectException refusal) {
        last.set(refusal);
        ctx.close(); // Netty's proxy handler closes it too; the caller sees the failure from that
        return;
      }
      ctx.fireExceptionCaught(cause);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof ProxyConnectionEvent) {
        last.set(null); // a tunnel opened: the old answer no longer explains anything
      }
      super.userEventTriggered(ctx, event);
    }
  }
}
