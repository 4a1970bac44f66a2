package io.cuttle.router;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Netty TLS server that answers each line with its name ("web:" + line), counting the connections
 * it accepts; optionally it first decodes a PROXY v2 header, as the polling listener does.
 */
final class TlsBackend implements AutoCloseable {
  private static final EventLoopGroup LOOPS =
      new MultiThreadIoEventLoopGroup(
          2, new DefaultThreadFactory("test-backend", true), NioIoHandler.newFactory());

  final AtomicInteger accepted = new AtomicInteger();
  final CompletableFuture<ProxyHeader> proxyHeader = new CompletableFuture<>();
  final Channel listener;

  TlsBackend(String name, SelfSignedCertificate cert, boolean proxyProtocol) throws Exception {
    SslContext tls = SslContextBuilder.forServer(cert.key(), cert.cert()).build();
    listener =
        new ServerBootstrap()
            .group(LOOPS)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    accepted.incrementAndGet();
                    ChannelPipeline p = ch.pipeline();
                    if (proxyProtocol) {
                      p.addLast(new HAProxyMessageDecoder(), new ProxyHeaderCatcher(proxyHeader));
                    }
                    p.addLast(tls.newHandler(ch.alloc()));
                    p.addLast(new LineBasedFrameDecoder(1024));
                    p.addLast(new StringDecoder(StandardCharsets.UTF_8));
                    p.addLast(new StringEncoder(StandardCharsets.UTF_8));
                    p.addLast(
                        new SimpleChannelInboundHandler<String>() {
                          @Override
                          protected void channelRead0(ChannelHandlerContext ctx, String line) {
                            ctx.writeAndFlush(name + ":" + line + "\n");
                          }
                        });
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
  }

  Upstream upstream(boolean proxyProtocol) {
    return Upstream.single((InetSocketAddress) listener.localAddress(), proxyProtocol);
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
  }

  /** What a PROXY-protocol backend learned from the header. */
  record ProxyHeader(String source, int sourcePort, int destinationPort, String authority) {}

  private static final class ProxyHeaderCatcher
      extends SimpleChannelInboundHandler<HAProxyMessage> {
    private final CompletableFuture<ProxyHeader> seen;

    ProxyHeaderCatcher(CompletableFuture<ProxyHeader> seen) {
      this.seen = seen;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HAProxyMessage message) {
      String authority =
          message.tlvs().stream()
              .filter(tlv -> tlv.type() == HAProxyTLV.Type.PP2_TYPE_AUTHORITY)
              .map(tlv -> tlv.content().toString(StandardCharsets.US_ASCII))
              .findFirst()
              .orElse(null);
      seen.complete(
          new ProxyHeader(
              message.sourceAddress(), message.sourcePort(), message.destinationPort(), authority));
    }
  }
}
