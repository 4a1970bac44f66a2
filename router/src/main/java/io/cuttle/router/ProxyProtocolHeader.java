package io.cuttle.router;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a PROXY protocol v2 header to an upstream: the client's real address, the address it
 * connected to, and the SNI it asked for as an AUTHORITY TLV.
 */
final class ProxyProtocolHeader {
  private ProxyProtocolHeader() {}

  static void write(Channel upstream, Channel client, String serverName) {
    InetSocketAddress source = (InetSocketAddress) client.remoteAddress();
    InetSocketAddress destination = (InetSocketAddress) client.localAddress();
    boolean v6 = source.getAddress() instanceof Inet6Address;
    List<HAProxyTLV> tlvs =
        serverName == null
            ? List.of()
            : List.of(
                new HAProxyTLV(
                    HAProxyTLV.Type.PP2_TYPE_AUTHORITY,
                    Unpooled.copiedBuffer(serverName, StandardCharsets.US_ASCII)));
    HAProxyMessage message =
        new HAProxyMessage(
            HAProxyProtocolVersion.V2,
            HAProxyCommand.PROXY,
            v6 ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4,
            source.getAddress().getHostAddress(),
            v6 && !(destination.getAddress() instanceof Inet6Address)
                ? "::ffff:" + destination.getAddress().getHostAddress()
                : destination.getAddress().getHostAddress(),
            source.getPort(),
            destination.getPort(),
            tlvs);
    upstream.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
    upstream.write(message);
    upstream.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
  }
}
