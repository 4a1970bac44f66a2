package io.cuttle.router.config;

import java.net.InetSocketAddress;

/** Reads {@code HOST:PORT} and {@code [IPv6]:PORT} the way operators write them. */
public final class HostPort {
  private HostPort() {}

  /**
   * The address, resolved when the host resolves ({@link InetSocketAddress#isUnresolved()} tells).
   *
   * @throws IllegalArgumentException naming the input and the expected form
   */
  public static InetSocketAddress parse(String hostPort) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    String host = colon <= 0 ? "" : hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = colon <= 0 ? -1 : Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty()
        || port < 0
        || port > 65535
        || (host.contains(":") && !hostPort.startsWith("["))) {
      throw new IllegalArgumentException(
          "'" + hostPort + "' (expected: HOST:PORT such as 10.0.0.5:8443 or [::1]:8443)");
    }
    return new InetSocketAddress(host, port);
  }
}
