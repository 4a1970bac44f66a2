package io.cuttle.server.polling;

import io.cuttle.common.net.Cidr;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Closes a connection to a PROXY-speaking polling port unless its TCP peer is a trusted source. A
 * PROXY header says where a connection "really" comes from; believing it from anyone would let any
 * client choose the address the server shows for it. So the check is on the socket's own peer,
 * before a single byte is read: no PROXY header and no TLS record from an untrusted peer is ever
 * parsed.
 *
 * <p>Installed as Armeria's child channel pipeline customizer, which runs in the channel
 * initializer, after Armeria has built its pipeline and before the channel becomes active (so
 * before the first read).
 */
final class TrustedSourceGate implements Consumer<ChannelPipeline> {
  /** Trusted by the built-in router's door, which only the router in this process reaches. */
  static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1"));

  private final String door;
  private final Predicate<Channel> guards;
  private final List<Cidr> trusted;
  private final RefusedConnections refused;
  private final Clock clock;

  /**
   * @param door the door's name in the log, e.g. "routed polling port" (its port number follows)
   * @param guards which of the server's connections this gate decides (others pass untouched)
   */
  TrustedSourceGate(
      String door,
      Predicate<Channel> guards,
      List<Cidr> trusted,
      RefusedConnections refused,
      Clock clock) {
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("trusted: [] (expected: at least one address or CIDR)");
    }
    this.door = door;
    this.guards = guards;
    this.trusted = List.copyOf(trusted);
    this.refused = refused;
    this.clock = clock;
  }

  @Override
  public void accept(ChannelPipeline pipeline) {
    Channel channel = pipeline.channel();
    if (!guards.test(channel)) {
      return;
    }
    if (channel.remoteAddress() instanceof InetSocketAddress peer
        && trusted.stream().anyMatch(block -> block.contains(peer.getAddress()))) {
      return;
    }
    // Nothing may reach Armeria's PROXY or TLS decoders, even if a read were already under way.
    pipeline.addFirst(Discard.INSTANCE);
    channel.close();
    refused.recordUntrustedSource(
        peerOf(channel), door + " " + portOf(channel), trusted.toString(), clock.millis());
  }

  private static String portOf(Channel channel) {
    return channel.localAddress() instanceof InetSocketAddress local
        ? String.valueOf(local.getPort())
        : String.valueOf(channel.localAddress());
  }

  private static String peerOf(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress peer
        ? peer.getAddress().getHostAddress()
        : String.valueOf(channel.remoteAddress());
  }

  @ChannelHandler.Sharable
  private static final class Discard extends ChannelInboundHandlerAdapter {
    static final Discard INSTANCE = new Discard();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
