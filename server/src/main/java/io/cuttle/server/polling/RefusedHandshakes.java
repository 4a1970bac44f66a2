package io.cuttle.server.polling;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns a failed TLS handshake on a polling door into one refused-connection entry per address and
 * reason, instead of Armeria's warning per attempt. A tentacle that pins the server's previous
 * certificate (it was stopped through a rotation) retries forever, and each attempt used to log
 * "TLS handshake failed … CERTIFICATE_UNKNOWN" naming the loopback port the built-in router
 * forwards to, which says nothing to an admin: the entry names the tentacle's real address (from
 * the PROXY header) and the public door it came through, and says what to do.
 *
 * <p>It sits just before Armeria's ALPN handler, the one that would log the failure, and swallows
 * the failure after recording it. On a PROXY door Armeria adds that handler only once it has read
 * the PROXY header, so a watcher at the head of the pipeline notes the header's source address from
 * the first bytes and installs the recorder as soon as the handler is there.
 */
final class RefusedHandshakes implements Consumer<ChannelPipeline> {
  private static final AttributeKey<String> SOURCE =
      AttributeKey.valueOf(RefusedHandshakes.class, "source");
  private static final String NAME = "cuttle-refused-handshakes";

  private final Function<Channel, String> doorOf;
  private final RefusedConnections refused;
  private final Clock clock;

  /**
   * @param doorOf names the door a connection came through, as an admin knows it, e.g. "public port
   *     443"
   */
  RefusedHandshakes(Function<Channel, String> doorOf, RefusedConnections refused, Clock clock) {
    this.doorOf = doorOf;
    this.refused = refused;
    this.clock = clock;
  }

  @Override
  public void accept(ChannelPipeline pipeline) {
    if (!install(pipeline)) {
      pipeline.addFirst(NAME + "-watch", new Watcher());
    }
  }

  /** Puts the recorder before Armeria's ALPN handler; false when there is none (yet). */
  private boolean install(ChannelPipeline pipeline) {
    if (pipeline.get(NAME) != null) {
      return true;
    }
    String alpn = nameOf(pipeline, ApplicationProtocolNegotiationHandler.class);
    if (alpn == null) {
      return false;
    }
    pipeline.addBefore(alpn, NAME, new Recorder());
    return true;
  }

  private static String nameOf(ChannelPipeline pipeline, Class<?> type) {
    for (Map.Entry<String, ChannelHandler> entry : pipeline) {
      if (type.isInstance(entry.getValue())) {
        return entry.getKey();
      }
    }
    return null;
  }

  /** Notes where a PROXY header says the connection comes from, then installs the recorder. */
  private final class Watcher extends ChannelInboundHandlerAdapter {
    private boolean first = true;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (first && msg instanceof ByteBuf bytes) {
        first = false;
        String source = proxySource(bytes);
        if (source != null) {
          ctx.channel().attr(SOURCE).set(source);
        }
      }
      ChannelPipeline pipeline = ctx.pipeline();
      ctx.fireChannelRead(msg); // Armeria builds the TLS part of the pipeline in here
      if (install(pipeline) && pipeline.context(this) != null) {
        pipeline.remove(this);
      }
    }
  }

  /** The source address of a PROXY v1 or v2 header at the start of {@code bytes}, if one is. */
  private static String proxySource(ByteBuf bytes) {
    if (HAProxyMessageDecoder.detectProtocol(bytes).state() != ProtocolDetectionState.DETECTED) {
      return null;
    }
    EmbeddedChannel probe = new EmbeddedChannel(new HAProxyMessageDecoder());
    try {
      probe.writeInbound(bytes.retainedDuplicate());
      Object decoded = probe.readInbound();
      if (decoded instanceof HAProxyMessage proxy) {
        String source = proxy.sourceAddress();
        proxy.release();
        return source;
      }
      ReferenceCountUtil.release(decoded);
      return null;
    } catch (RuntimeException e) {
      return null; // Armeria's own decoder will refuse the header; nothing to note here
    } finally {
      probe.finishAndReleaseAll();
    }
  }

  /** Records a failed handshake once per connection, and keeps it from Armeria's logger. */
  private final class Recorder extends ChannelInboundHandlerAdapter {
    private boolean recorded;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
        refuse(ctx, done.cause());
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (handshakeFailure(cause) != null) {
        refuse(ctx, cause);
        return;
      }
      ctx.fireExceptionCaught(cause);
    }

    private void refuse(ChannelHandlerContext ctx, Throwable cause) {
      if (!recorded) {
        recorded = true;
        Channel channel = ctx.channel();
        refused.recordHandshakeFailure(
            addressOf(channel), reason(cause, doorOf.apply(channel)), clock.millis());
      }
      ctx.close();
    }
  }

  private static String addressOf(Channel channel) {
    String proxied = channel.attr(SOURCE).get();
    if (proxied != null) {
      return proxied;
    }
    return channel.remoteAddress() instanceof InetSocketAddress peer
        ? peer.getAddress().getHostAddress()
        : String.valueOf(channel.remoteAddress());
  }

  private static SSLHandshakeException handshakeFailure(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLHandshakeException e) {
        return e;
      }
    }
    return null;
  }

  /** Words for the refused-connections list: what happened, where, and what to do about it. */
  static String reason(Throwable cause, String door) {
    String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("certificate_unknown")
        || lower.contains("bad_certificate")
        || lower.contains("unknown_ca")) {
      return "the peer refused the server's certificate during the TLS handshake, through the "
          + door
          + ". A tentacle that pins an older server certificate (stopped while the server's"
          + " certificate was rotated) does this: register it again with"
          + " 'cuttle tentacle register --force'";
    }
    return "TLS handshake failed, through the " + door + ": " + message;
  }
}
