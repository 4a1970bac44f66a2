package io.cuttle.dist;

import io.cuttle.common.net.Cidr;
import io.cuttle.server.tasks.TentacleVersions;
import java.util.function.UnaryOperator;

/**
 * The checks {@code cuttle server}'s settings need beyond their types, run before anything starts.
 * Each refusal names the setting as its source gave it ({@code --port}, {@code environment variable
 * CUTTLE_SERVER_PORT}, a line of the settings file), through {@code name}.
 */
final class ServerSettingChecks {
  /** The most MiB that still count in bytes without overflowing a long. */
  static final long MAX_OUTPUT_MB = Long.MAX_VALUE / (1024 * 1024);

  private ServerSettingChecks() {}

  static void check(ServerCommand server, UnaryOperator<String> name) {
    port(name.apply("--port"), server.port);
    port(name.apply("--legacy-port"), server.legacyPort);
    if (server.routedPollingPort != null) {
      port(name.apply("--routed-polling-port"), server.routedPollingPort);
    }
    // Said in the words of the settings; ServerConfig would say the same in its own names.
    if (server.routedPollingPort != null && server.trustedProxies.isEmpty()) {
      throw new IllegalArgumentException(
          name.apply("--routed-polling-port")
              + " "
              + server.routedPollingPort
              + " needs at least one --trusted-proxy (your router's address or CIDR, e.g."
              + " 10.0.0.5)");
    }
    if (server.routedPollingPort == null && !server.trustedProxies.isEmpty()) {
      throw new IllegalArgumentException(
          name.apply("--trusted-proxy")
              + " is only used with --routed-polling-port: add the port your router sends polling"
              + " traffic to");
    }
    for (String proxy : server.trustedProxies) {
      try {
        Cidr.parse(proxy);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name.apply("--trusted-proxy") + ": " + e.getMessage());
      }
    }
    if (server.nodeName != null
        && (server.jdbcUrl == null || !server.jdbcUrl.startsWith("jdbc:postgresql:"))) {
      throw new IllegalArgumentException(
          name.apply("--node-name")
              + " "
              + server.nodeName
              + " is for several servers sharing one PostgreSQL database: add --db"
              + " jdbc:postgresql://HOST:5432/DATABASE (the embedded H2 database serves one"
              + " server)");
    }
    atLeast(name.apply("--max-package-mb"), server.maxPackageMb, 1, "> 0");
    if (server.maxCommandOutputMb < 1 || server.maxCommandOutputMb > MAX_OUTPUT_MB) {
      throw new IllegalArgumentException(
          name.apply("--max-command-output-mb")
              + ": "
              + server.maxCommandOutputMb
              + " (expected: 1 to "
              + MAX_OUTPUT_MB
              + ")");
    }
    atLeast(
        name.apply("--health-check-interval-seconds"),
        server.healthCheckIntervalSeconds,
        0,
        ">= 0, 0 to turn scheduled checks off");
    atLeast(name.apply("--handshake-timeout-seconds"), server.handshakeTimeoutSeconds, 1, "> 0");
    atLeast(name.apply("--min-free-disk-mb"), server.minFreeDiskMb, 0, ">= 0");
    if (server.minimumTentacleVersion != null) {
      TentacleVersions.requireValid(
          name.apply("--minimum-tentacle-version"), server.minimumTentacleVersion);
    }
  }

  private static void atLeast(String setting, long value, long least, String expected) {
    if (value < least) {
      throw new IllegalArgumentException(setting + ": " + value + " (expected: " + expected + ")");
    }
  }

  static void port(String setting, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(setting + ": " + port + " (expected: 0 to 65535)");
    }
  }
}
