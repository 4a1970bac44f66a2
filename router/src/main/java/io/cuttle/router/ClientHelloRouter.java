package io.cuttle.router;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a connection's TLS ClientHello without decrypting anything, picks a route from its SNI,
 * dials the route's upstream, then steps aside for a {@link RelayHandler} on each leg (and an
 * {@link IdleTimeoutHandler} when configured). The ClientHello bytes it held are passed on first
 * and unchanged: removing a {@link io.netty.handler.codec.ByteToMessageDecoder} hands its buffer to
 * the next handler, which is the relay. So the TLS handshake happens between client and upstream as
 * if the router were not there.
 *
 * <p>Netty's {@link io.netty.handler.ssl.SslClientHelloHandler} reassembles the ClientHello across
 * TCP segments and TLS records up to the configured size. Input that is not a ClientHello at all
 * (plain HTTP, SSH, a malformed hello) reaches {@link #lookup(ChannelHandlerContext, ByteBuf)} as
 * {@code null}; it is told apart from "no SNI" here, so it takes only the unparseable route and
 * never the default one by accident. Every refusal (not TLS, too large, too slow, no route,
 * upstream unreachable) closes the client without a byte reaching any upstream, is counted in
 * {@link RouterStats} and named in the access log.
 */
final class ClientHelloRouter extends AbstractSniHandler<Channel> {
  private static final Logger log = LoggerFactory.getLogger(ClientHelloRouter.class);

  /** TLS caps a plaintext record at 2^14 bytes; a ClientHello record claiming more is not one. */
  static final int MAX_PLAINTEXT_RECORD = 1 << 14;

  private final RouteTable routes;
  private final RouterMetrics metrics;
  private final UpstreamConnector connector;
  private final ConnectionRecord record;
  private final long clientHelloTimeoutMillis;
  private final Duration defaultIdleTimeout;
  private ScheduledFuture<?> deadline;
  private boolean decided;
  private boolean inputShutdown;
  private boolean notTls;
  private int segments;
  private Route route;

  /**
   * @param routes the table in force when the connection was accepted; a reload does not change the
   *     route of a connection already being routed
   */
  ClientHelloRouter(
      RouterConfig config,
      RouteTable routes,
      RouterMetrics metrics,
      UpstreamConnector connector,
      ConnectionRecord record) {
    // The deadline is kept here rather than in AbstractSniHandler, whose timeout event goes to
    // the next handler and could not be counted and logged as a timeout.
    super(config.maxClientHelloBytes(), 0);
    this.routes = routes;
    this.metrics = metrics;
    this.connector = connector;
    this.record = record;
    this.clientHelloTimeoutMillis = config.clientHelloTimeout().toMillis();
    this.defaultIdleTimeout = config.idleTimeout();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    deadline =
        ctx.executor()
            .schedule(
                () -> {
                  if (!decided) {
                    refuse(ctx, CloseReason.CLIENT_HELLO_TIMEOUT, null);
                  }
                },
                clientHelloTimeoutMillis,
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    ctx.read(); // AUTO_READ is off on every leg: ask for the first bytes.
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    segments++;
    super.channelRead(ctx, msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (decided) {
      return;
    }
    int start = in.readerIndex();
    if (in.readableBytes() >= 5
        && in.getUnsignedByte(start) == 0x16 // handshake record
        && in.getUnsignedByte(start + 1) == 3 // SSL 3.0 / TLS 1.x; anything else is "not tls"
        && in.getUnsignedShort(start + 3) > MAX_PLAINTEXT_RECORD) {
      // Refuse on the header rather than buffering up to 64 KiB of a record that cannot be valid.
      refuse(ctx, CloseReason.CLIENT_HELLO_TOO_LARGE, null);
      return;
    }
    super.decode(ctx, in, out);
  }

  @Override
  protected Future<Channel> lookup(ChannelHandlerContext ctx, ByteBuf clientHello)
      throws Exception {
    decided = true;
    deadline.cancel(false);
    notTls = clientHello == null;
    if (!notTls) {
      metrics.recordClientHello(clientHello.readableBytes(), segments);
      record.offeredProtocols = OfferedProtocols.in(clientHello);
    }
    return super.lookup(ctx, clientHello);
  }

  @Override
  protected Future<Channel> lookup(ChannelHandlerContext ctx, String serverName) {
    record.serverName = serverName;
    Optional<Route> chosen =
        notTls
            ? routes.forUnparseable()
            : routes.forClientHello(serverName, record.offeredProtocols);
    if (chosen.isEmpty()) {
      record.closing(notTls ? CloseReason.NOT_TLS : CloseReason.NO_ROUTE);
      return ctx.executor().newFailedFuture(new NoRouteException());
    }
    route = chosen.get();
    record.route = route;
    return connector.connect(ctx.channel(), route.upstream(), record);
  }

  @Override
  protected void onLookupComplete(
      ChannelHandlerContext ctx, String serverName, Future<Channel> future) {
    if (!future.isSuccess()) {
      if (!(future.cause() instanceof NoRouteException)) {
        record.closing(CloseReason.UPSTREAM_CONNECT_FAILED);
      }
      metrics.recordRefused(record.closeReason);
      discardAndClose(ctx);
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
    RouterMetrics.RouteMeters meters = metrics.route(route.name());
    Counter toClient = meters.bytesToClient;
    Counter fromClient = meters.bytesFromClient;
    upstream
        .pipeline()
        .addLast(
            "relay",
            new RelayHandler(
                client,
                record,
                bytes -> {
                  record.bytesToClient.add(bytes);
                  toClient.increment(bytes);
                }));
    meters.recordRouted();
    client.closeFuture().addListener(closed -> meters.recordClosed());
    // Removing this handler hands the buffered ClientHello to the relay, which sends it first.
    ChannelPipeline pipeline = ctx.pipeline();
    Duration idleTimeout = route.ownIdleTimeout().orElse(defaultIdleTimeout);
    if (!idleTimeout.isZero()) {
      pipeline.addFirst("idle", new IdleTimeoutHandler(idleTimeout, record));
    }
    pipeline.replace(
        this,
        "relay",
        new RelayHandler(
            upstream,
            record,
            bytes -> {
              record.bytesFromClient.add(bytes);
              fromClient.increment(bytes);
            }));
    if (inputShutdown) {
      // The client's FIN arrived while we were still dialling: pass it on after the hello.
      pipeline.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }
    upstream.read();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable reason =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    // Netty has already closed the channel for these two; they are refusals, not faults: the
    // access log says so in one line, the stack is only worth reading when debugging.
    if (reason instanceof TooLongFrameException) {
      refuse(ctx, CloseReason.CLIENT_HELLO_TOO_LARGE, reason);
    } else if (reason instanceof NotSslRecordException) {
      refuse(ctx, CloseReason.NOT_TLS, reason);
    } else {
      record.closing(CloseReason.RESET);
      log.debug("Connection {} failed before routing", ctx.channel(), cause);
      discardAndClose(ctx);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof ChannelInputShutdownEvent) {
      // Held back, not passed to ByteToMessageDecoder: it would release the buffered ClientHello.
      inputShutdown = true;
      if (!decided) {
        // The client stopped sending before a whole ClientHello: nothing can be routed.
        refuse(ctx, CloseReason.NOT_TLS, null);
      }
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    decided = true; // nothing more to route: decodeLast must not start another lookup
    deadline.cancel(false);
    super.channelInactive(ctx);
  }

  private void refuse(ChannelHandlerContext ctx, CloseReason reason, Throwable cause) {
    decided = true;
    deadline.cancel(false);
    if (record.closeReason == null) {
      record.closing(reason);
      metrics.recordRefused(reason);
      if (cause != null) {
        log.debug("Refused {}: {}", ctx.channel(), reason, cause);
      }
    }
    discardAndClose(ctx);
  }

  /** What the handler holds of a ClientHello not yet complete; bounded by the cap. */
  int bufferedBytes() {
    return decided ? 0 : internalBuffer().readableBytes();
  }

  /** Drops what was buffered, so closing cannot hand it to anyone, and closes the client. */
  private void discardAndClose(ChannelHandlerContext ctx) {
    ByteBuf buffered = internalBuffer();
    buffered.skipBytes(buffered.readableBytes());
    ctx.close();
  }

  /** No route takes this connection: it is closed without reaching any upstream. */
  private static final class NoRouteException extends Exception {
    private static final long serialVersionUID = 1L;

    NoRouteException() {
      super(null, null, false, false);
    }
  }
}
