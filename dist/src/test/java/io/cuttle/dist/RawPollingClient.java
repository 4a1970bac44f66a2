package io.cuttle.dist;

import com.google.protobuf.MessageLite;
import io.cuttle.common.pki.Identity;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hand-made HTTP/2 connection to the polling listener, to see what no gRPC client shows (the
 * server's SETTINGS) and to send what no gRPC client would (calls whose body never ends).
 */
public final class RawPollingClient implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel connection;

  /** What the server sent first: its SETTINGS. */
  final CompletableFuture<Http2Settings> serverSettings = new CompletableFuture<>();

  /**
   * @param identity the certificate to present, or null for none
   */
  public RawPollingClient(int port, Identity identity) throws Exception {
    this(port, identity, Http2Settings.defaultSettings());
  }

  /** A connection that never lets the server send a DATA frame: every stream's window is zero. */
  public static RawPollingClient thatReadsNoAnswers(int port, Identity identity) throws Exception {
    return new RawPollingClient(
        port, identity, Http2Settings.defaultSettings().initialWindowSize(0));
  }

  private RawPollingClient(int port, Identity identity, Http2Settings settings) throws Exception {
    SslContextBuilder tls =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2));
    if (identity != null) {
      tls.keyManager(identity.privateKey(), identity.certificate());
    }
    SslContext ssl = tls.build();
    this.connection =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            // The client's buffers on the heap: tests in this JVM measure the server's direct
            // memory.
            .option(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            ssl.newHandler(ch.alloc(), "127.0.0.1", port),
                            Http2FrameCodecBuilder.forClient().initialSettings(settings).build(),
                            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2SettingsFrame settings) {
                                  serverSettings.complete(settings.settings());
                                }
                                ReferenceCountUtil.release(msg);
                              }
                            });
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /** Whether the server still keeps this connection open. */
  boolean isOpen() {
    return connection.isActive();
  }

  /**
   * Starts a unary call to {@code method} announcing one gRPC message of {@code messageBytes} and
   * sends the first {@code sendBytes} of it (message prefix included) as fast as the server's flow
   * control lets it, never more: the client's own memory stays at a window's worth. The request
   * never ends: with {@code sendBytes} 0 it is its headers alone.
   *
   * @param extra headers to add, e.g. a content-length
   */
  public RawCall call(String method, int messageBytes, long sendBytes, Http2Headers extra) {
    RawCall call = new RawCall(messageBytes, sendBytes);
    Http2Headers headers =
        new DefaultHttp2Headers()
            .method("POST")
            .scheme("https")
            .authority("127.0.0.1")
            .path("/cuttle.polling.v1.PollingService/" + method)
            .add("content-type", "application/grpc")
            .add("te", "trailers")
            .add(extra);
    new Http2StreamChannelBootstrap(connection)
        .handler(call.handler(headers))
        .open()
        .addListener(
            opened -> {
              if (!opened.isSuccess()) {
                call.ended.complete("not opened: " + opened.cause());
              }
            });
    return call;
  }

  /** One call's stream: what the server answered and how the stream ended. */
  public static final class RawCall {
    private static final ByteBuf FILLER =
        Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[16 * 1024]));

    /** The server's first HEADERS on the stream; fails if the stream ended without them. */
    final CompletableFuture<Http2Headers> answer = new CompletableFuture<>();

    /** How the stream ended: "reset CODE", "closed". */
    final CompletableFuture<String> ended = new CompletableFuture<>();

    private final int messageBytes;
    private final long sendBytes;
    private long sent;

    private RawCall(int messageBytes, long sendBytes) {
      this.messageBytes = messageBytes;
      this.sendBytes = sendBytes;
    }

    /** The bytes of the body sent so far. */
    synchronized long sent() {
      return sent;
    }

    /** True once the stream ended or every byte asked for was sent. */
    public boolean settled() {
      return ended.isDone() || sent() >= sendBytes;
    }

    private ChannelInboundHandlerAdapter handler(Http2Headers headers) {
      return new ChannelInboundHandlerAdapter() {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
          ctx.write(new DefaultHttp2HeadersFrame(headers, false));
          if (sendBytes > 0) {
            ByteBuf prefix = Unpooled.buffer(5).writeByte(0).writeInt(messageBytes);
            ctx.write(new DefaultHttp2DataFrame(prefix, false));
            add(5);
          }
          pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
          pump(ctx);
        }

        private void pump(ChannelHandlerContext ctx) {
          while (ctx.channel().isActive() && ctx.channel().isWritable() && sent() < sendBytes) {
            int n = (int) Math.min(FILLER.capacity(), sendBytes - sent());
            ctx.write(new DefaultHttp2DataFrame(FILLER.retainedSlice(0, n), false));
            add(n);
          }
          ctx.flush();
        }

        private void add(long n) {
          synchronized (RawCall.this) {
            sent += n;
          }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          if (msg instanceof Http2HeadersFrame frame) {
            answer.complete(frame.headers());
          } else if (msg instanceof Http2ResetFrame reset) {
            ended.complete("reset " + reset.errorCode());
          }
          ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
          answer.completeExceptionally(new IllegalStateException("stream closed unanswered"));
          ended.complete("closed");
        }
      };
    }
  }

  /** Sends one whole unary gRPC call on a new stream: its headers and its one message. */
  public StalledCall unary(String method, MessageLite request) {
    StalledCall call = new StalledCall();
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(connection)
            .handler(call)
            .open()
            .syncUninterruptibly()
            .getNow();
    Http2Headers headers =
        new DefaultHttp2Headers()
            .method("POST")
            .scheme("https")
            .authority("polling.localhost")
            .path("/cuttle.polling.v1.PollingService/" + method)
            .set("content-type", "application/grpc")
            .set("te", "trailers");
    byte[] body = request.toByteArray();
    ByteBuf framed = stream.alloc().buffer(5 + body.length);
    framed.writeByte(0).writeInt(body.length).writeBytes(body);
    stream.write(new DefaultHttp2HeadersFrame(headers));
    stream.writeAndFlush(new DefaultHttp2DataFrame(framed, true)).syncUninterruptibly();
    return call;
  }

  /** What came back on one stream of {@link #unary}, on a connection that may read no answers. */
  public static final class StalledCall extends ChannelInboundHandlerAdapter {
    /** The first HEADERS frame: an answer under way, or a refusal that ends the stream at once. */
    final CompletableFuture<Http2Headers> headers = new CompletableFuture<>();

    /** The grpc-status the stream ended with, from its trailers. */
    final CompletableFuture<String> status = new CompletableFuture<>();

    final AtomicLong bodyBytes = new AtomicLong();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2HeadersFrame frame) {
        headers.complete(frame.headers());
        if (frame.isEndStream()) {
          CharSequence grpcStatus = frame.headers().get("grpc-status");
          status.complete(grpcStatus == null ? "none" : grpcStatus.toString());
        }
      } else if (msg instanceof Http2DataFrame data) {
        bodyBytes.addAndGet(data.content().readableBytes());
      }
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void close() {
    connection.close().syncUninterruptibly();
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
