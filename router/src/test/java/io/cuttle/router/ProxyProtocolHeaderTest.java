package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The header as an upstream decodes it, for every address-family pairing a listener can see. */
class ProxyProtocolHeaderTest {

  private static HAProxyMessage roundTrip(HAProxyMessage message) {
    EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    encoder.writeOutbound(message);
    ByteBuf bytes = encoder.readOutbound();
    EmbeddedChannel decoder = new EmbeddedChannel(new HAProxyMessageDecoder());
    decoder.writeInbound(bytes);
    return decoder.readInbound();
  }

  private static InetSocketAddress at(String ip, int port) {
    return new InetSocketAddress(ip, port);
  }

  @Test
  void ipv4CarriesBothAddressesAndTheServerName() {
    HAProxyMessage decoded =
        roundTrip(
            ProxyProtocolHeader.message(
                at("192.0.2.7", 50123), at("198.51.100.1", 443), "polling.example.com"));
    try {
      assertThat(decoded.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP4);
      assertThat(decoded.sourceAddress()).isEqualTo("192.0.2.7");
      assertThat(decoded.sourcePort()).isEqualTo(50123);
      assertThat(decoded.destinationAddress()).isEqualTo("198.51.100.1");
      assertThat(decoded.destinationPort()).isEqualTo(443);
      assertThat(decoded.tlvs())
          .singleElement()
          .satisfies(
              tlv -> {
                assertThat(tlv.type()).isEqualTo(HAProxyTLV.Type.PP2_TYPE_AUTHORITY);
                assertThat(tlv.typeByteValue()).isEqualTo((byte) 0x02);
                assertThat(tlv.content().toString(StandardCharsets.US_ASCII))
                    .isEqualTo("polling.example.com");
              });
    } finally {
      decoded.release();
    }
  }

  @Test
  void withoutSniThereIsNoAuthority() {
    HAProxyMessage decoded =
        roundTrip(ProxyProtocolHeader.message(at("192.0.2.7", 1), at("198.51.100.1", 443), null));
    try {
      assertThat(decoded.tlvs()).isEmpty();
    } finally {
      decoded.release();
    }
  }

  @Test
  void ipv6AndMixedFamiliesAreSentAsIpv6() {
    HAProxyMessage v6 =
        roundTrip(ProxyProtocolHeader.message(at("2001:db8::7", 1), at("2001:db8::1", 443), "a"));
    HAProxyMessage mixed =
        roundTrip(ProxyProtocolHeader.message(at("192.0.2.7", 1), at("2001:db8::1", 443), "a"));
    try {
      assertThat(v6.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP6);
      assertThat(v6.sourceAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
      assertThat(mixed.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP6);
      assertThat(mixed.sourceAddress()).endsWith("c000:207"); // ::ffff:192.0.2.7
      assertThat(mixed.destinationAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
    } finally {
      v6.release();
      mixed.release();
    }
  }
}
