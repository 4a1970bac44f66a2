package io.cuttle.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a connection's TLS ClientHello without decrypting anything, picks a route from its SNI,
 * dials the route's upstream, then steps aside for a {@link RelayHandler} on each leg. The
 * ClientHello bytes it held are passed on first and unchanged, so the TLS handshake happens between
 * client and upstream as if the router were not there.
 *
 * <p>Netty's {@link io.netty.handler.ssl.SslClientHelloHandler} reassembles the ClientHello across
 * TCP segments and TLS records up to the configured size, and closes the connection when it is too
 * large, malformed, or too slow. Input that is not a ClientHello at all reaches {@link
 * #lookup(ChannelHandlerContext, ByteBuf)} as {@code null}; it is told apart from "no SNI" here, so
 * it can never take the default route by accident.
 */
final class ClientHelloRouter extends AbstractSniHandler<Channel> {
  private static final Logger log = LoggerFactory.getLogger(ClientHelloRouter.class);

  private final RouteTable routes;
  private final RouterStats stats;
  private final UpstreamDialer dialer;
  private final ConnectionRecord record;
  private boolean notTls;
  private Route route;

  ClientHelloRouter(
      RouterConfig config, RouterStats stats, UpstreamDialer dialer, ConnectionRecord record) {
    super(config.maxClientHelloBytes(), config.clientHelloTimeout().toMillis());
    this.routes = config.routes();
    this.stats = stats;
    this.dialer = dialer;
    this.record = record;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    ctx.read(); // AUTO_READ is off on every leg: ask for the first bytes.
  }

  @Override
  protected Future<Channel> lookup(ChannelHandlerContext ctx, ByteBuf clientHello)
      throws Exception {
    notTls = clientHello == null;
    return super.lookup(ctx, clientHello);
  }

  @Override
  protected Future<Channel> lookup(ChannelHandlerContext ctx, String serverName) {
    record.serverName = serverName;
    Optional<Route> chosen = notTls ? routes.forUnparseable() : routes.forServerName(serverName);
    if (chosen.isEmpty()) {
      record.closing(notTls ? CloseReason.NOT_TLS : CloseReason.NO_ROUTE);
      return ctx.executor().newFailedFuture(new NoRouteException());
    }
    route = chosen.get();
    record.route = route;
    return dialer.dial(ctx.channel(), route.upstream());
  }

  @Override
  protected void onLookupComplete(
      ChannelHandlerContext ctx, String serverName, Future<Channel> future) {
    if (!future.isSuccess()) {
      if (!(future.cause() instanceof NoRouteException)) {
        record.closing(CloseReason.UPSTREAM_CONNECT_FAILED);
        log.warn(
            "Route '{}': cannot reach upstream {}: {}",
            route.name(),
            route.upstream().address(),
            future.cause().toString());
      }
      stats.recordRefused(record.closeReason);
      ctx.close();
      return;
    }
    Channel upstream = future.getNow();
    Channel client = ctx.channel();
    if (!client.isActive()) {
      upstream.close();
      return;
    }
    if (route.upstream().proxyProtocol()) {
      ProxyProtocolHeader.write(upstream, client, serverName);
    }
    upstream.pipeline().addLast("relay", new RelayHandler(client, record, record.bytesToClient));
    upstream.closeFuture().addListener(f -> client.close());
    stats.recordRouted(route.name());
    // Removing this handler hands the buffered ClientHello to the relay, which sends it first.
    ctx.pipeline()
        .replace(this, "relay", new RelayHandler(upstream, record, record.bytesFromClient));
    upstream.read();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SniCompletionEvent completion
        && completion.cause() instanceof SslHandshakeTimeoutException) {
      refuse(CloseReason.CLIENT_HELLO_TIMEOUT);
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable reason =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (reason instanceof TooLongFrameException) {
      refuse(CloseReason.CLIENT_HELLO_TOO_LARGE);
    } else if (reason instanceof NotSslRecordException) {
      refuse(CloseReason.NOT_TLS);
    } else {
      record.closing(CloseReason.RESET);
      log.debug("Connection {} failed before routing", ctx.channel(), cause);
    }
    ctx.close();
  }

  private void refuse(CloseReason reason) {
    if (record.closeReason == null) {
      record.closing(reason);
      stats.recordRefused(reason);
    }
  }

  /** No route takes this connection: it is closed without reaching any upstream. */
  private static final class NoRouteException extends Exception {
    private static final long serialVersionUID = 1L;

    NoRouteException() {
      super(null, null, false, false);
    }
  }
}
