package io.cuttle.bench;

import io.cuttle.common.pki.Identity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;

/**
 * The one TLS backend every bench target leads to: it terminates TLS and echoes every byte back.
 * Small writes measure round trips, a stream of large writes measures throughput, a connection that
 * sends nothing costs it nothing but its socket. Like the proxies, it reads the next chunk only
 * once the previous echo is written, so a slow client slows it instead of filling its memory.
 */
final class EchoBackend implements AutoCloseable {
  private final EventLoopGroup loops;
  private final Channel listener;

  EchoBackend(Identity identity, int threads) throws InterruptedException, SSLException {
    SslContext tls =
        SslContextBuilder.forServer(identity.privateKey(), identity.certificate()).build();
    loops =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("echo-backend", true), NioIoHandler.newFactory());
    listener =
        new ServerBootstrap()
            .group(loops)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()), new Echo());
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    loops.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg)
          .addListener(
              (ChannelFutureListener)
                  written -> {
                    if (written.isSuccess()) {
                      ctx.read();
                    } else {
                      ctx.close();
                    }
                  });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a client gone mid-stream is normal at the end of each measurement
    }
  }
}
