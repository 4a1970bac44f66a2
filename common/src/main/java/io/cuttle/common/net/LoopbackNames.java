package io.cuttle.common.net;

import java.net.InetAddress;
import java.util.Locale;

/**
 * Names under {@code .localhost} mean this machine (RFC 6761 section 6.3), whatever the system
 * resolver thinks. Our own clients honour that, so {@code https://polling.localhost:8443} works on
 * a laptop without editing a hosts file.
 */
public final class LoopbackNames {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private LoopbackNames() {}

  public static boolean isLoopbackName(String host) {
    if (host == null) {
      return false;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.equals("localhost") || name.endsWith(".localhost");
  }

  static InetAddress loopback() {
    return LOOPBACK;
  }
}
