package io.cuttle.client.proxy;

import io.cuttle.common.net.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hosts a NO_PROXY list sends direct: comma-separated entries, each {@code *} (every host), a
 * name ({@code example.com} matches it and its subdomains; a leading {@code .} or {@code *.} means
 * the same, as in curl), an IP address or a CIDR. A {@code :port} on an entry is ignored.
 */
public final class NoProxy {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern TRAILING_PORT = Pattern.compile(":\\d+$");

  private final boolean everything;
  private final List<String> domains;
  private final List<Cidr> networks;
  private final String text;

  private NoProxy(boolean everything, List<String> domains, List<Cidr> networks, String text) {
    this.everything = everything;
    this.domains = List.copyOf(domains);
    this.networks = List.copyOf(networks);
    this.text = text;
  }

  public static NoProxy none() {
    return new NoProxy(false, List.of(), List.of(), "");
  }

  /** Parses a NO_PROXY value; entries that are neither names nor addresses are skipped. */
  public static NoProxy parse(String text) {
    if (text == null || text.isBlank()) {
      return none();
    }
    boolean everything = false;
    List<String> domains = new ArrayList<>();
    List<Cidr> networks = new ArrayList<>();
    for (String raw : text.split(",")) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        everything = true;
        continue;
      }
      if (entry.startsWith("[")) {
        int close = entry.indexOf(']');
        entry = close < 0 ? entry.substring(1) : entry.substring(1, close);
      } else if (entry.chars().filter(c -> c == ':').count() <= 1) {
        entry = TRAILING_PORT.matcher(entry).replaceFirst(""); // name:port or IPv4:port
      }
      if (entry.contains("/") || isIpLiteral(entry)) {
        try {
          networks.add(Cidr.parse(entry)); // an address alone is a one-address block
        } catch (IllegalArgumentException e) {
          // Not an address after all; a NO_PROXY entry we do not understand bypasses nothing.
        }
        continue;
      }
      entry = entry.startsWith("*.") ? entry.substring(2) : entry;
      entry = entry.startsWith(".") ? entry.substring(1) : entry;
      entry = entry.endsWith(".") ? entry.substring(0, entry.length() - 1) : entry;
      if (!entry.isEmpty()) {
        domains.add(entry);
      }
    }
    return new NoProxy(everything, domains, networks, text.trim());
  }

  /** Whether connections to {@code host} (a name or an IP literal) go direct. */
  public boolean bypasses(String host) {
    if (everything) {
      return true;
    }
    String name = normalized(host);
    InetAddress literal = literal(name);
    if (literal != null) {
      return networks.stream().anyMatch(n -> n.contains(literal));
    }
    return domains.stream().anyMatch(d -> name.equals(d) || name.endsWith("." + d));
  }

  /** Whether {@code host} is an IP literal of this machine's loopback. */
  static boolean isLoopbackLiteral(String host) {
    InetAddress literal = literal(normalized(host));
    return literal != null && literal.isLoopbackAddress();
  }

  @Override
  public String toString() {
    return text;
  }

  private static String normalized(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  private static boolean isIpLiteral(String text) {
    return IPV4.matcher(text).matches() || text.contains(":");
  }

  /** The address an IP literal names, without any DNS lookup; null for a host name. */
  private static InetAddress literal(String text) {
    if (!isIpLiteral(text)) {
      return null;
    }
    try {
      return InetAddress.getByName(text); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
