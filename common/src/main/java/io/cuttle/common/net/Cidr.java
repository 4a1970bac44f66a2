package io.cuttle.common.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A block of IP addresses, such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a single address is
 * a block of one. Used to say which peers the server trusts to tell it where a connection really
 * came from.
 *
 * <p>Only address literals are accepted: a host name would make trust depend on DNS at the moment
 * of parsing. An IPv4 address mapped into IPv6 ({@code ::ffff:10.1.2.3}) is the IPv4 address, on
 * both sides of a match, because a dual-stack socket may report an IPv4 peer either way.
 */
public final class Cidr {
  static final String EXPECTED = "(expected: an address or CIDR such as 10.0.0.0/8)";

  // No leading zeros: "010.0.0.1" is octal to some tools and decimal to others.
  private static final Pattern IPV4 = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");
  // Hex digits, colons and an optional dotted IPv4 tail; no zone ids ("%eth0"), which name an
  // interface of this machine and mean nothing in a trust list.
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

  private final byte[] network;
  private final int prefixLength;

  private Cidr(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses {@code address} or {@code address/prefix}; a message naming the input and what was
   * expected if it is neither. Host bits set below the prefix ({@code 10.1.2.3/8}) are allowed and
   * ignored, as routers do.
   */
  public static Cidr parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw bad(text);
    }
    boolean mapped = bytes.length == 4 && address.contains(":");
    int max = mapped ? 128 : bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String digits = trimmed.substring(slash + 1);
      if (!digits.matches("\\d{1,3}")) {
        throw bad(text);
      }
      prefix = Integer.parseInt(digits);
    }
    if (prefix > max || (mapped && prefix < 96)) {
      throw bad(text);
    }
    return new Cidr(masked(bytes, mapped ? prefix - 96 : prefix), mapped ? prefix - 96 : prefix);
  }

  /** Whether {@code address} lies in this block. */
  public boolean contains(InetAddress address) {
    byte[] candidate = unmapped(address.getAddress());
    return candidate.length == network.length
        && Arrays.equals(masked(candidate, prefixLength), network);
  }

  /** True for IPv4 blocks; an IPv6 block never contains an IPv4 address and vice versa. */
  public boolean isIpv4() {
    return network.length == 4;
  }

  public int prefixLength() {
    return prefixLength;
  }

  private static byte[] literal(String address) {
    if (IPV4.matcher(address).matches()) {
      for (String octet : address.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return null; // InetAddress would try it as a host name: keep DNS out of it
        }
      }
    } else if (!IPV6.matcher(address).matches()) {
      return null;
    }
    try {
      // A literal by now, so this never asks DNS.
      return InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] unmapped(byte[] bytes) {
    if (bytes.length != 16) {
      return bytes;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return bytes;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff
        ? Arrays.copyOfRange(bytes, 12, 16)
        : bytes;
  }

  private static byte[] masked(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException("'" + text + "' " + EXPECTED);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr other
        && prefixLength == other.prefixLength
        && Arrays.equals(network, other.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixLength;
  }

  /** The block in its usual form, e.g. {@code 10.0.0.0/8} or {@code ::1/128}. */
  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // unreachable: always 4 or 16 bytes
    }
  }
}
