package io.cuttle.router;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a PROXY protocol v2 header to an upstream: the client's real address, the address it
 * connected to, and the SNI it asked for as an AUTHORITY TLV (type 0x02), so the upstream learns
 * who connected and through which name even though the router carries the bytes.
 */
final class ProxyProtocolHeader {
  private ProxyProtocolHeader() {}

  /** Writes (without flushing) the header; the ClientHello written next flushes both. */
  static void write(Channel upstream, Channel client, String serverName) {
    upstream.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
    try {
      upstream.write(
          message(
              (InetSocketAddress) client.remoteAddress(),
              (InetSocketAddress) client.localAddress(),
              serverName));
    } finally {
      // The header is encoded synchronously on this event loop; relayed bytes must not meet it.
      upstream.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
    }
  }

  static HAProxyMessage message(
      InetSocketAddress source, InetSocketAddress destination, String serverName) {
    // A dual-stack listener can see an IPv4 client on an IPv6 local address (or the reverse);
    // PROXY v2 wants one family for both, so mixed pairs are sent as IPv6 with mapped addresses.
    boolean v4 =
        source.getAddress() instanceof Inet4Address
            && destination.getAddress() instanceof Inet4Address;
    List<HAProxyTLV> tlvs =
        serverName == null
            ? List.of()
            : List.of(
                new HAProxyTLV(
                    HAProxyTLV.Type.PP2_TYPE_AUTHORITY,
                    Unpooled.copiedBuffer(serverName, StandardCharsets.US_ASCII)));
    return new HAProxyMessage(
        HAProxyProtocolVersion.V2,
        HAProxyCommand.PROXY,
        v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
        v4 ? source.getAddress().getHostAddress() : ipv6(source.getAddress()),
        v4 ? destination.getAddress().getHostAddress() : ipv6(destination.getAddress()),
        source.getPort(),
        destination.getPort(),
        tlvs);
  }

  private static String ipv6(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      // Without the scope suffix (%eth0): the header carries the 16 address bytes only.
      String text = v6.getHostAddress();
      int scope = text.indexOf('%');
      return scope < 0 ? text : text.substring(0, scope);
    }
    return "::ffff:" + address.getHostAddress();
  }
}
