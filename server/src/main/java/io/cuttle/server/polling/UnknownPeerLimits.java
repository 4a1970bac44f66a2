package io.cuttle.server.polling;

import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.polling.PeerStanding.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a polling connection whose peer is not a registered tentacle can make the server
 * hold. TLS lets anyone finish the handshake (a browser gets the {@link ListenerPage}, a stranger a
 * clear refusal), so the peer is classified the moment the handshake is done, from its certificate:
 * a registered tentacle's connection goes on unlimited; any other may send at most {@link
 * #MAX_BYTES} in all, handshake included, and at most {@link #MAX_CONNECTIONS} such connections are
 * open at once across every polling door. Beyond either the connection is closed.
 *
 * <p>It counts the bytes as they come off the socket, before Armeria decodes anything, so a peer
 * streaming message bodies is cut off whatever the layers above would have buffered (gRPC reads a
 * unary call's whole message before {@link TentacleAuthenticator} can refuse it). A small call is
 * still answered with that refusal; {@link UnknownPeerGate} reads the standing decided here.
 *
 * <p>Installed as (part of) Armeria's child channel pipeline customizer, first in the pipeline.
 */
final class UnknownPeerLimits implements Consumer<ChannelPipeline> {
  private static final Logger log = LoggerFactory.getLogger(UnknownPeerLimits.class);

  /**
   * What one unknown peer's connection may send: a handshake (a few KiB with a certificate chain),
   * a browser's request for the page and the odd refused call. A message body never fits.
   */
  static final int MAX_BYTES = 32 * 1024;

  /** Unknown peers' connections open at once, across every polling door: 8 MiB at most in all. */
  static final int MAX_CONNECTIONS = 256;

  private final Predicate<String> isRegistered;
  private final Executor lookups;
  private final PeerWarnings warnings;
  private final AtomicInteger unknownConnections = new AtomicInteger();
  private final Map<ConnectionKey, PeerStanding> standings = new ConcurrentHashMap<>();

  /**
   * @param isRegistered whether a thumbprint is a registered tentacle's; it may block, so it runs
   *     on {@code lookups}, never on an event loop
   */
  UnknownPeerLimits(Predicate<String> isRegistered, Executor lookups, Clock clock) {
    this.isRegistered = isRegistered;
    this.lookups = lookups;
    this.warnings = new PeerWarnings(log, clock);
  }

  @Override
  public void accept(ChannelPipeline pipeline) {
    if (pipeline.channel().isOpen()) { // TrustedSourceGate may have closed it already
      pipeline.addFirst("cuttle-unknown-peer-limits", new Budget());
    }
  }

  /** The standing of the connection between these addresses, or null before its handshake. */
  PeerStanding standing(SocketAddress remote, SocketAddress local) {
    return standings.get(new ConnectionKey(remote, local));
  }

  /** The connection's two socket addresses: what both Netty and Armeria's request context know. */
  private record ConnectionKey(SocketAddress remote, SocketAddress local) {
    static ConnectionKey of(Channel channel) {
      return new ConnectionKey(channel.remoteAddress(), channel.localAddress());
    }
  }

  /** One connection's count. Lives on the connection's event loop. */
  private final class Budget extends ChannelInboundHandlerAdapter {
    private long received;
    private boolean watchingHandshake;
    private PeerStanding standing;
    private Kind kind;

    /** Reads past the budget while the certificate is being looked up: at most one read's worth. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf bytes) {
        received += bytes.readableBytes();
      }
      if (received > MAX_BYTES && kind != Kind.REGISTERED) {
        if (standing != null && kind == null) {
          // A tentacle may send a large batch at once; wait for the lookup before passing it on.
          held.add(msg);
          ctx.channel().config().setAutoRead(false);
          return;
        }
        if (kind == Kind.UNKNOWN) {
          ReferenceCountUtil.release(msg);
          close(ctx, "sent more than " + MAX_BYTES + " bytes");
          return;
        }
      }
      ctx.fireChannelRead(msg);
      watchHandshake(ctx);
    }

    /**
     * Armeria puts the SslHandler in place once the ClientHello (after any PROXY header) is read.
     */
    private void watchHandshake(ChannelHandlerContext ctx) {
      SslHandler ssl;
      if (watchingHandshake || (ssl = ctx.pipeline().get(SslHandler.class)) == null) {
        return;
      }
      watchingHandshake = true;
      ssl.handshakeFuture()
          .addListener(
              done -> {
                if (done.isSuccess()) {
                  handshaken(ctx, ssl);
                }
              });
    }

    private void handshaken(ChannelHandlerContext ctx, SslHandler ssl) {
      Optional<Thumbprint> thumbprint =
          TentacleAuthenticator.peerThumbprint(ssl.engine().getSession());
      PeerStanding peer = new PeerStanding(thumbprint.map(Thumbprint::toString).orElse("-"));
      ConnectionKey key = ConnectionKey.of(ctx.channel());
      standing = peer;
      standings.put(key, peer);
      ctx.channel().closeFuture().addListener(closed -> standings.remove(key, peer));
      if (thumbprint.isEmpty()) {
        decided(ctx, Kind.UNKNOWN);
        return;
      }
      CompletableFuture.supplyAsync(() -> isRegistered.test(peer.thumbprint), lookups)
          .whenComplete(
              (registered, failure) ->
                  ctx.executor()
                      .execute(
                          () -> {
                            if (failure != null) {
                              // Held to the strangers' budget rather than closed: its calls still
                              // reach TentacleAuthenticator, which answers UNAVAILABLE while the
                              // database is down, a status tentacles retry with backoff. After 8
                              // requests it reconnects and is looked up again.
                              log.debug(
                                  "Could not look up certificate {}", peer.thumbprint, failure);
                              decided(ctx, Kind.UNKNOWN);
                            } else {
                              decided(ctx, registered ? Kind.REGISTERED : Kind.UNKNOWN);
                            }
                          }));
    }

    private void decided(ChannelHandlerContext ctx, Kind decided) {
      kind = decided;
      if (decided == Kind.REGISTERED) {
        standing.decide(decided);
        while (!held.isEmpty()) {
          ctx.fireChannelRead(held.poll());
        }
        ctx.pipeline().remove(this);
        ctx.channel().config().setAutoRead(true);
        return;
      }
      int open = unknownConnections.incrementAndGet();
      ctx.channel().closeFuture().addListener(closed -> unknownConnections.decrementAndGet());
      standing.decide(decided);
      if (open > MAX_CONNECTIONS) {
        warnings.warn(
            "all",
            "unknown peers",
            "Closing new polling connections without a registered certificate: "
                + MAX_CONNECTIONS
                + " are open already (browsers and strangers; tentacles are not affected)");
        close(ctx, "too many connections without a registered certificate");
      } else if (!held.isEmpty()) {
        close(ctx, "sent more than " + MAX_BYTES + " bytes");
      }
    }

    private void close(ChannelHandlerContext ctx, String why) {
      if (log.isDebugEnabled()) {
        log.debug(
            "Closing polling connection from {} (certificate {}): {}",
            ctx.channel().remoteAddress(),
            standing == null ? "-" : standing.thumbprint,
            why);
      }
      releaseHeld();
      ctx.close();
    }

    private void releaseHeld() {
      while (!held.isEmpty()) {
        ReferenceCountUtil.release(held.poll());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      releaseHeld();
      ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      releaseHeld();
    }
  }
}
