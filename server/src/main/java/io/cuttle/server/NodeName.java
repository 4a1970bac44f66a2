package io.cuttle.server;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The name a node goes by in the node list, logs and the database's connection list. */
final class NodeName {
  private static final String FALLBACK = "cuttle-server";

  private NodeName() {}

  /** The configured name, or else the machine's host name made into a valid one. */
  static String of(ServerConfig config) {
    return config.nodeName() != null ? config.nodeName() : fromHostName(localHostName());
  }

  static String fromHostName(String hostName) {
    String cleaned = hostName.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
    if (cleaned.length() > 63) {
      cleaned = cleaned.substring(0, 63);
    }
    return cleaned.isEmpty() ? FALLBACK : cleaned;
  }

  /** The machine's name; also where people reach a node listening on every address. */
  static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return FALLBACK;
    }
  }
}
