package io.cuttle.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @Test
  void ipv4BlockContainsExactlyItsAddresses() throws Exception {
    Cidr block = Cidr.parse("10.0.0.0/8");

    assertThat(block.contains(ip("10.0.0.0"))).isTrue();
    assertThat(block.contains(ip("10.255.255.255"))).isTrue();
    assertThat(block.contains(ip("11.0.0.0"))).isFalse();
    assertThat(block.contains(ip("9.255.255.255"))).isFalse();
    assertThat(block.toString()).isEqualTo("10.0.0.0/8");
  }

  @Test
  void prefixThatIsNotOnAByteBoundaryMasksTheRightBits() throws Exception {
    Cidr block = Cidr.parse("192.168.4.0/22");

    assertThat(block.contains(ip("192.168.7.255"))).isTrue();
    assertThat(block.contains(ip("192.168.8.0"))).isFalse();
    assertThat(block.contains(ip("192.168.3.255"))).isFalse();
  }

  @Test
  void aSingleAddressIsABlockOfOne() throws Exception {
    Cidr one = Cidr.parse("127.0.0.2");

    assertThat(one.prefixLength()).isEqualTo(32);
    assertThat(one.contains(ip("127.0.0.2"))).isTrue();
    assertThat(one.contains(ip("127.0.0.1"))).isFalse();
    assertThat(Cidr.parse("::1").contains(ip("::1"))).isTrue();
    assertThat(Cidr.parse("::1").contains(ip("::2"))).isFalse();
  }

  @Test
  void hostBitsBelowThePrefixAreIgnored() throws Exception {
    assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.7"))).isTrue();
  }

  @Test
  void ipv6Block() throws Exception {
    Cidr block = Cidr.parse("2001:db8::/32");

    assertThat(block.contains(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(block.contains(ip("2001:db9::1"))).isFalse();
    assertThat(block.isIpv4()).isFalse();
    assertThat(block.toString()).isEqualTo("2001:db8:0:0:0:0:0:0/32");
  }

  @Test
  void familiesNeverMatchEachOther() throws Exception {
    assertThat(Cidr.parse("::/0").contains(ip("10.0.0.1"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
  }

  @Test
  void ipv4MappedIntoIpv6IsTheIpv4AddressOnBothSides() throws Exception {
    Cidr mappedBlock = Cidr.parse("::ffff:10.0.0.0/104");

    assertThat(mappedBlock).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(mappedBlock.contains(ip("10.9.8.7"))).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains(mapped(10, 9, 8, 7))).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains(mapped(11, 9, 8, 7))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.0/33",
        "::/129",
        "::ffff:10.0.0.0/95",
        "10.0.0.0/",
        "10.0.0.0/-1",
        "10.0.0.0/8/8",
        "256.0.0.1",
        "010.0.0.1",
        "10.0.0",
        "fe80::1%eth0",
        "example.com",
        "localhost",
        "",
        "1::2::3"
      })
  void badInputIsRefusedWithAMessageNamingItAndWhatWasExpected(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' (expected: an address or CIDR such as 10.0.0.0/8)");
  }

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  /** An Inet6Address holding a mapped IPv4 address, as a dual-stack socket may report a peer. */
  private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    bytes[12] = (byte) a;
    bytes[13] = (byte) b;
    bytes[14] = (byte) c;
    bytes[15] = (byte) d;
    return java.net.Inet6Address.getByAddress(null, bytes, -1);
  }
}
