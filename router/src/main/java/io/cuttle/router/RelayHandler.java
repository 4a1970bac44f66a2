package io.cuttle.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes from one leg of a connection to the other. It reads the next chunk only once the
 * previous one is written, so a slow reader on one side stops the router reading from the other
 * instead of making it buffer. End of input on one side is passed on as a half-close; the
 * connection closes when both directions have ended or either fails.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

  private final Channel peer;
  private final ConnectionRecord record;
  private final LongConsumer bytesRelayed;

  RelayHandler(Channel peer, ConnectionRecord record, LongConsumer bytesRelayed) {
    this.peer = peer;
    this.record = record;
    this.bytesRelayed = bytesRelayed;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      bytesRelayed.accept(buf.readableBytes());
    }
    peer.writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    readMore(ctx.channel());
                  } else {
                    record.closing(CloseReason.RESET);
                    f.channel().close();
                    ctx.channel().close();
                  }
                });
  }

  /**
   * Asks for the next chunk unless this side has already sent its FIN. Netty 4.2.18's epoll
   * transport fails a read on a half-closed socket and closes the channel, which cut off the answer
   * still due to a client that had half-closed (RouterServerTest#halfClose...).
   */
  private static void readMore(Channel channel) {
    if (!(channel instanceof DuplexChannel duplex) || !duplex.isInputShutdown()) {
      channel.read();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof ChannelInputShutdownEvent) {
      // Shut the peer's output only after everything written to it is flushed: shutting down
      // with writes pending would fail them and lose the end of the stream.
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER)
          .addListener(
              (ChannelFutureListener)
                  flushed -> {
                    if (flushed.isSuccess() && peer instanceof DuplexChannel duplex) {
                      duplex.shutdownOutput().addListener(shut -> closeIfBothDirectionsEnded(ctx));
                    } else {
                      closeBoth(ctx);
                    }
                  });
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  private void closeIfBothDirectionsEnded(ChannelHandlerContext ctx) {
    if (!(ctx.channel() instanceof DuplexChannel self) || self.isOutputShutdown()) {
      closeBoth(ctx);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer.isActive()) {
      // Let what is already written reach the peer before closing it.
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    record.closing(CloseReason.RESET);
    if (cause instanceof IOException) {
      log.debug("Connection {} failed: {}", ctx.channel(), cause.toString());
    } else {
      log.warn("Unexpected failure relaying {}", ctx.channel(), cause);
    }
    closeBoth(ctx);
  }

  private void closeBoth(ChannelHandlerContext ctx) {
    ctx.channel().close();
    peer.close();
  }
}
