package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** One relay leg on its own: it must never read faster than its peer accepts writes. */
class RelayHandlerTest {
  private final List<ChannelPromise> heldWrites = new ArrayList<>();
  private final AtomicInteger readsRequested = new AtomicInteger();
  private final ConnectionRecord record = new ConnectionRecord(new InetSocketAddress(0));
  private final LongAdder relayed = new LongAdder();

  /** The far leg: writes stay pending until the test completes them, like a full socket. */
  private final EmbeddedChannel peer =
      new EmbeddedChannel(
          new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
              ReferenceCountUtil.release(msg);
              heldWrites.add(promise);
            }
          });

  /** The near leg, counting each read() the relay asks of it. */
  private EmbeddedChannel source() {
    EmbeddedChannel source = new EmbeddedChannel();
    source.config().setAutoRead(false);
    source
        .pipeline()
        .addLast(
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void read(ChannelHandlerContext ctx) {
                readsRequested.incrementAndGet();
                ctx.read();
              }
            },
            new RelayHandler(peer, record, relayed::add));
    return source;
  }

  @Test
  void readsTheNextChunkOnlyOnceThePreviousOneIsWritten() {
    EmbeddedChannel source = source();

    source.writeInbound(Unpooled.wrappedBuffer(new byte[100]));

    assertThat(heldWrites).hasSize(1);
    assertThat(readsRequested).as("no read while the write is pending").hasValue(0);
    assertThat(relayed.sum()).isEqualTo(100);

    heldWrites.get(0).setSuccess();

    assertThat(readsRequested).hasValue(1);
    assertThat(source.isOpen()).isTrue();
  }

  @Test
  void aFailedWriteClosesBothLegs() {
    EmbeddedChannel source = source();

    source.writeInbound(Unpooled.wrappedBuffer(new byte[10]));
    heldWrites.get(0).setFailure(new IOException("Broken pipe"));

    assertThat(source.isOpen()).isFalse();
    assertThat(peer.isOpen()).isFalse();
    assertThat(readsRequested).hasValue(0);
    assertThat(record.closeReason).isEqualTo(CloseReason.RESET);
  }

  @Test
  void aResetIsAnExpectedNetworkErrorThatClosesBothLegs() {
    EmbeddedChannel source = source();

    source.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

    assertThat(source.isOpen()).isFalse();
    assertThat(peer.isOpen()).isFalse();
    assertThat(record.closeReason).isEqualTo(CloseReason.RESET);
  }

  @Test
  void whenOneLegClosesTheOtherIsClosedAfterItsPendingWrites() {
    EmbeddedChannel source = source();
    source.writeInbound(Unpooled.wrappedBuffer(new byte[10]));

    source.close();

    assertThat(peer.isOpen()).as("still flushing what was relayed").isTrue();
    heldWrites.forEach(ChannelPromise::setSuccess);
    assertThat(peer.isOpen()).isFalse();
  }
}
