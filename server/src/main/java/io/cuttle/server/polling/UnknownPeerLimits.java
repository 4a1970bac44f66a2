package io.cuttle.server.polling;

import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.polling.PeerStanding.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a polling connection whose peer is not a registered tentacle can make the server
 * hold. TLS lets anyone finish the handshake (a browser gets the {@link ListenerPage}, a stranger a
 * clear refusal), so the peer is classified the moment the handshake is done, from its certificate:
 * a registered tentacle's connection goes on unlimited; any other may send at most {@link
 * #MAX_BYTES} in all, handshake included, and at most {@link #MAX_CONNECTIONS} such connections are
 * open at once across every polling door. Beyond the first, nothing more is read from the
 * connection and it is closed shortly after ({@link #DRAIN}); beyond the second it is closed at
 * once. A registered tentacle whose trust is withdrawn ({@link #revoke}) is held to the same limits
 * from then on.
 *
 * <p>It counts the bytes as they come off the socket, before Armeria decodes anything, so a peer
 * streaming message bodies is cut off whatever the layers above would have buffered. Its calls
 * themselves are refused on their headers by {@link UnknownPeerGate}, which reads the standing
 * decided here, so the refusal is on its way before the body would be read.
 *
 * <p>Installed as (part of) Armeria's child channel pipeline customizer, first in the pipeline.
 */
final class UnknownPeerLimits implements Consumer<ChannelPipeline> {
  private static final Logger log = LoggerFactory.getLogger(UnknownPeerLimits.class);
  private static final String NAME = "cuttle-unknown-peer-limits";

  /**
   * What one unknown peer's connection may send: a handshake (a few KiB with a certificate chain),
   * a browser's request for the page and the odd refused call. A message body never fits.
   */
  static final int MAX_BYTES = 32 * 1024;

  /** Unknown peers' connections open at once, across every polling door: 8 MiB at most in all. */
  static final int MAX_CONNECTIONS = 256;

  /**
   * How long an unknown peer's connection stays open once it is to be closed (a call refused, or
   * over its budget): time for the peer to read the refusal its call got on its headers, which
   * closing at once (with its body still arriving) could make the peer's network stack throw away.
   */
  static final Duration DRAIN = Duration.ofSeconds(2);

  private final Function<String, Optional<String>> registeredTentacle;
  private final Executor lookups;
  private final PeerWarnings warnings;
  private final AtomicInteger unknownConnections = new AtomicInteger();
  private final Map<ConnectionKey, Connection> connections = new ConcurrentHashMap<>();

  /**
   * @param registeredTentacle the id of the registered tentacle a thumbprint belongs to; it may
   *     block, so it runs on {@code lookups}, never on an event loop
   */
  UnknownPeerLimits(
      Function<String, Optional<String>> registeredTentacle, Executor lookups, Clock clock) {
    this.registeredTentacle = registeredTentacle;
    this.lookups = lookups;
    this.warnings = new PeerWarnings(log, clock);
  }

  @Override
  public void accept(ChannelPipeline pipeline) {
    if (pipeline.channel().isOpen()) { // TrustedSourceGate may have closed it already
      pipeline.addFirst(NAME, new Budget(null));
    }
  }

  /** The standing of the connection between these addresses, or null before its handshake. */
  PeerStanding standing(SocketAddress remote, SocketAddress local) {
    Connection connection = connections.get(new ConnectionKey(remote, local));
    return connection == null ? null : connection.standing();
  }

  /**
   * The tentacle's trust was withdrawn: each connection it has open is held to an unknown peer's
   * limits from now on, as if it had just finished its handshake without a certificate. Its calls
   * are refused on their headers, and it may send {@link #MAX_BYTES} more before it is closed.
   */
  void revoke(String tentacleId) {
    connections.values().stream()
        .filter(c -> tentacleId.equals(c.standing().tentacleId()))
        .forEach(Connection::demote);
  }

  /**
   * A call on this connection found its certificate no longer registered (withdrawn on another
   * node, or replaced): the connection is demoted as by {@link #revoke}.
   */
  void noLongerRegistered(SocketAddress remote, SocketAddress local) {
    Connection connection = connections.get(new ConnectionKey(remote, local));
    if (connection != null) {
      connection.demote();
    }
  }

  /**
   * A call on this connection was refused on its headers: the connection is closed after {@link
   * #DRAIN}, time for the refusal to reach the peer, reading what the peer sends meanwhile (within
   * its budget) so that the socket is not reset under the refusal.
   */
  void refused(SocketAddress remote, SocketAddress local) {
    Connection connection = connections.get(new ConnectionKey(remote, local));
    if (connection != null) {
      connection.closeSoon("a refused call");
    }
  }

  /** The connection's two socket addresses: what both Netty and Armeria's request context know. */
  private record ConnectionKey(SocketAddress remote, SocketAddress local) {
    static ConnectionKey of(Channel channel) {
      return new ConnectionKey(channel.remoteAddress(), channel.localAddress());
    }
  }

  private final class Connection {
    private final Channel channel;
    private final PeerStanding standing;
    private Budget budget; // on the event loop only

    Connection(Channel channel, PeerStanding standing, Budget budget) {
      this.channel = channel;
      this.standing = standing;
      this.budget = budget;
    }

    PeerStanding standing() {
      return standing;
    }

    void demote() {
      if (standing.revoke()) {
        channel
            .eventLoop()
            .execute(
                () -> {
                  if (channel.isOpen()) {
                    budget = new Budget(standing);
                    channel.pipeline().addFirst(NAME, budget);
                  }
                });
      }
    }

    void closeSoon(String why) {
      channel
          .eventLoop()
          .execute(
              () -> {
                ChannelHandlerContext ctx = channel.pipeline().context(budget);
                if (ctx != null) {
                  budget.closeAfterDrain(ctx, why, false);
                }
              });
    }
  }

  /** One connection's count. Lives on the connection's event loop. */
  private final class Budget extends ChannelDuplexHandler {
    private long received;
    private boolean watchingHandshake;
    private PeerStanding standing;
    private Kind kind;
    private boolean draining;
    private boolean closing;

    /** Reads past the budget while the certificate is being looked up: at most one read's worth. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    /**
     * @param revoked the standing of a registered tentacle's connection whose trust was withdrawn,
     *     or null for a new connection
     */
    Budget(PeerStanding revoked) {
      if (revoked != null) {
        standing = revoked;
        watchingHandshake = true;
      }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (standing != null) {
        heldToTheBudget(ctx, Kind.UNKNOWN);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (draining) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (kind != Kind.REGISTERED && msg instanceof ByteBuf bytes) {
        long room = MAX_BYTES - received;
        received += bytes.readableBytes();
        if (bytes.readableBytes() > room && (kind != null || standing != null)) {
          // What fits is passed on: the headers of the call whose body crosses the budget, which
          // are answered with a refusal.
          if (room > 0) {
            ctx.fireChannelRead(bytes.readRetainedSlice((int) room));
          }
          if (kind == null) {
            // A tentacle may send a large batch at once; wait for the lookup before passing it on.
            held.add(bytes);
            ctx.channel().config().setAutoRead(false);
          } else {
            bytes.release();
            closeAfterDrain(ctx, "sent more than " + MAX_BYTES + " bytes", true);
          }
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
      Connection connection = new Connection(ctx.channel(), peer, this);
      standing = peer;
      connections.put(key, connection);
      ctx.channel().closeFuture().addListener(closed -> connections.remove(key, connection));
      if (thumbprint.isEmpty()) {
        decided(ctx, Kind.UNKNOWN, null);
        return;
      }
      CompletableFuture.supplyAsync(() -> registeredTentacle.apply(peer.thumbprint), lookups)
          .whenComplete(
              (tentacle, failure) ->
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
                              decided(ctx, Kind.UNCHECKED, null);
                            } else if (tentacle.isPresent()) {
                              decided(ctx, Kind.REGISTERED, tentacle.get());
                            } else {
                              decided(ctx, Kind.UNKNOWN, null);
                            }
                          }));
    }

    private void decided(ChannelHandlerContext ctx, Kind decided, String tentacleId) {
      if (decided == Kind.REGISTERED) {
        kind = decided;
        standing.registeredAs(tentacleId);
        while (!held.isEmpty()) {
          ctx.fireChannelRead(held.poll());
        }
        ctx.pipeline().remove(this);
        ctx.channel().config().setAutoRead(true);
        return;
      }
      heldToTheBudget(ctx, decided);
      standing.decide(decided);
    }

    /** Counts the connection among the unknown peers' and closes it when there are too many. */
    private void heldToTheBudget(ChannelHandlerContext ctx, Kind decided) {
      kind = decided;
      int open = unknownConnections.incrementAndGet();
      ctx.channel().closeFuture().addListener(closed -> unknownConnections.decrementAndGet());
      if (open > MAX_CONNECTIONS) {
        warnings.warn(
            "all",
            "unknown peers",
            "Closing new polling connections without a registered certificate: "
                + MAX_CONNECTIONS
                + " are open already (browsers and strangers; tentacles are not affected)");
        close(ctx, "too many connections without a registered certificate");
      } else if (!held.isEmpty()) {
        closeAfterDrain(ctx, "sent more than " + MAX_BYTES + " bytes", true);
      }
    }

    /**
     * Closes the connection after {@link #DRAIN}: closing a socket with bytes unread resets it, and
     * the peer's network stack may then throw away the answer it has not read yet (the refusal its
     * call got on its headers). Meanwhile, past its budget, nothing more is read from the peer:
     * every byte is dropped before TLS, costing neither memory nor decryption, and the peer's
     * flow-control windows, never replenished now, soon stop it sending.
     *
     * @param overBudget whether the peer sent more than its budget, so that whatever else it sends
     *     is dropped at once
     */
    void closeAfterDrain(ChannelHandlerContext ctx, String why, boolean overBudget) {
      if (overBudget) {
        draining = true;
        releaseHeld();
        ctx.channel().config().setAutoRead(true); // a stalled peer's bytes are dropped, not queued
      }
      if (closing) {
        return;
      }
      closing = true;
      ctx.executor()
          .schedule(
              () -> {
                ctx.channel().flush();
                close(ctx, why);
              },
              DRAIN.toMillis(),
              TimeUnit.MILLISECONDS);
    }

    /**
     * Armeria closes an unknown peer's connection (GOAWAY after a refused call) while the peer may
     * still be sending the body of that call: closing the socket with bytes unread would reset it
     * and throw away the refusal not yet sent. So the socket is closed after {@link #DRAIN}, and
     * whatever the peer sends meanwhile is dropped.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      if (kind == null || kind == Kind.REGISTERED || ctx.executor().isShuttingDown()) {
        releaseHeld();
        ctx.close(promise);
        return;
      }
      draining = true;
      releaseHeld();
      ctx.channel().config().setAutoRead(true);
      ctx.executor().schedule(() -> ctx.close(promise), DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the socket at once, past the layers above that would say goodbye first. */
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
