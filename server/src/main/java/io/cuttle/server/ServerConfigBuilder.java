package io.cuttle.server;

import io.cuttle.common.net.Cidr;
import io.cuttle.server.tasks.TentacleVersions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Builds a {@link ServerConfig}, refusing values that cannot work with a message naming them. */
public final class ServerConfigBuilder {
  // Package-private: ServerConfig's constructor copies them once build() has checked them together.
  Path dataDirectory = Path.of("cuttle-data");
  String publicHost = "localhost";
  InetSocketAddress publicAddress = new InetSocketAddress(ServerConfig.DEFAULT_PUBLIC_PORT);
  InetSocketAddress legacyPollingAddress =
      new InetSocketAddress(ServerConfig.DEFAULT_LEGACY_POLLING_PORT);
  InetSocketAddress adminAddress =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), ServerConfig.DEFAULT_ADMIN_PORT);
  InetSocketAddress routedPollingAddress;
  List<Cidr> trustedProxies = List.of();
  String jdbcUrl;
  String databaseUser;
  String databasePassword;
  Duration pollWait = Duration.ofSeconds(55);
  Duration redeliverAfter = Duration.ofSeconds(30);
  Duration pickupTimeout = Duration.ofMinutes(10);
  Duration silenceTimeout = Duration.ofMinutes(3);
  Duration handshakeTimeout = ServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;
  Duration pollingIdleTimeout = ServerConfig.DEFAULT_POLLING_IDLE_TIMEOUT;
  Clock clock = Clock.systemUTC();
  String minimumTentacleVersion;
  Duration healthCheckInterval = Duration.ofMinutes(60);
  long minimumFreeDiskBytes = 1024L * 1024 * 1024;
  Path packageDirectory;
  long maxPackageBytes = ServerConfig.DEFAULT_MAX_PACKAGE_BYTES;
  long maxCommandOutputBytes = ServerConfig.DEFAULT_MAX_COMMAND_OUTPUT_BYTES;
  String nodeName;
  Duration nodeHeartbeat = Duration.ofSeconds(5);

  ServerConfigBuilder() {}

  /** Null (the default) for a server that is the only node. */
  public ServerConfigBuilder nodeName(String nodeName) {
    if (nodeName != null && !nodeName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw new IllegalArgumentException(
          "nodeName: '"
              + nodeName
              + "' (expected: 1 to 63 letters, digits, '.', '_' or '-', such as node-1)");
    }
    this.nodeName = nodeName;
    return this;
  }

  public ServerConfigBuilder nodeHeartbeat(Duration nodeHeartbeat) {
    this.nodeHeartbeat = positive("nodeHeartbeat", nodeHeartbeat);
    return this;
  }

  /** Null (the default) for {@code packages} in the data directory. */
  public ServerConfigBuilder packageDirectory(Path packageDirectory) {
    this.packageDirectory = packageDirectory;
    return this;
  }

  public ServerConfigBuilder maxPackageBytes(long maxPackageBytes) {
    if (maxPackageBytes <= 0) {
      throw new IllegalArgumentException(
          "maxPackageBytes: " + maxPackageBytes + " (expected: > 0)");
    }
    this.maxPackageBytes = maxPackageBytes;
    return this;
  }

  public ServerConfigBuilder maxCommandOutputBytes(long maxCommandOutputBytes) {
    if (maxCommandOutputBytes <= 0) {
      throw new IllegalArgumentException(
          "maxCommandOutputBytes: " + maxCommandOutputBytes + " (expected: > 0)");
    }
    this.maxCommandOutputBytes = maxCommandOutputBytes;
    return this;
  }

  public ServerConfigBuilder dataDirectory(Path dataDirectory) {
    this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    return this;
  }

  public ServerConfigBuilder publicHost(String publicHost) {
    Objects.requireNonNull(publicHost, "publicHost");
    if (!publicHost.matches(
        "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
      throw new IllegalArgumentException(
          "publicHost: '" + publicHost + "' (expected: a DNS name such as deploy.example.com)");
    }
    this.publicHost = publicHost;
    return this;
  }

  public ServerConfigBuilder publicAddress(InetSocketAddress publicAddress) {
    this.publicAddress = Objects.requireNonNull(publicAddress, "publicAddress");
    return this;
  }

  public ServerConfigBuilder legacyPollingAddress(InetSocketAddress legacyPollingAddress) {
    this.legacyPollingAddress =
        Objects.requireNonNull(legacyPollingAddress, "legacyPollingAddress");
    return this;
  }

  /**
   * Where {@code /metrics} and the health checks are served, plain HTTP; port 0 picks a free one.
   * Keep it on loopback or a management network: it needs no key.
   */
  public ServerConfigBuilder adminAddress(InetSocketAddress adminAddress) {
    this.adminAddress = Objects.requireNonNull(adminAddress, "adminAddress");
    return this;
  }

  /** Null (the default) for no listener for an external router. */
  public ServerConfigBuilder routedPollingAddress(InetSocketAddress routedPollingAddress) {
    this.routedPollingAddress = routedPollingAddress;
    return this;
  }

  /** Addresses or CIDRs, IPv4 or IPv6, e.g. {@code 10.0.0.5} or {@code 10.0.0.0/8}. */
  public ServerConfigBuilder trustedProxies(List<String> trustedProxies) {
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    this.trustedProxies =
        trustedProxies.stream()
            .map(
                text -> {
                  try {
                    return Cidr.parse(text);
                  } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("trustedProxies: " + e.getMessage(), e);
                  }
                })
            .toList();
    return this;
  }

  public ServerConfigBuilder database(String jdbcUrl, String user, String password) {
    if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "jdbcUrl: '"
              + jdbcUrl
              + "' (expected: a JDBC URL such as jdbc:postgresql://db:5432/cuttle)");
    }
    this.jdbcUrl = jdbcUrl;
    this.databaseUser = user;
    this.databasePassword = password;
    return this;
  }

  public ServerConfigBuilder pollWait(Duration pollWait) {
    this.pollWait = positive("pollWait", pollWait);
    return this;
  }

  public ServerConfigBuilder redeliverAfter(Duration redeliverAfter) {
    this.redeliverAfter = positive("redeliverAfter", redeliverAfter);
    return this;
  }

  public ServerConfigBuilder pickupTimeout(Duration pickupTimeout) {
    this.pickupTimeout = positive("pickupTimeout", pickupTimeout);
    return this;
  }

  public ServerConfigBuilder silenceTimeout(Duration silenceTimeout) {
    this.silenceTimeout = positive("silenceTimeout", silenceTimeout);
    return this;
  }

  public ServerConfigBuilder handshakeTimeout(Duration handshakeTimeout) {
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    // The timers count whole milliseconds: anything shorter would be no time at all.
    if (handshakeTimeout.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "handshakeTimeout: " + handshakeTimeout + " (expected: >= 1ms)");
    }
    this.handshakeTimeout = handshakeTimeout;
    return this;
  }

  public ServerConfigBuilder pollingIdleTimeout(Duration pollingIdleTimeout) {
    this.pollingIdleTimeout = positive("pollingIdleTimeout", pollingIdleTimeout);
    return this;
  }

  public ServerConfigBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  public ServerConfigBuilder minimumTentacleVersion(String version) {
    this.minimumTentacleVersion =
        version == null ? null : TentacleVersions.requireValid("minimumTentacleVersion", version);
    return this;
  }

  /** Zero turns scheduled health checks off; checks on demand still run. */
  public ServerConfigBuilder healthCheckInterval(Duration interval) {
    Objects.requireNonNull(interval, "healthCheckInterval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException(
          "healthCheckInterval: " + interval + " (expected: >= 0, zero to turn it off)");
    }
    this.healthCheckInterval = interval;
    return this;
  }

  public ServerConfigBuilder minimumFreeDiskBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("minimumFreeDiskBytes: " + bytes + " (expected: >= 0)");
    }
    this.minimumFreeDiskBytes = bytes;
    return this;
  }

  public ServerConfig build() {
    // The public port never serves admin pages: an admin address on a port another listener
    // binds would fail at start with "address in use" at best, so it is refused here, by name.
    requireOwnPort("publicAddress", publicAddress);
    requireOwnPort("legacyPollingAddress", legacyPollingAddress);
    if (routedPollingAddress != null) {
      requireOwnPort("routedPollingAddress", routedPollingAddress);
    }
    // Either half alone is a mistake the user would not notice until a router is refused or,
    // worse, a trust list is silently ignored.
    if (routedPollingAddress != null && trustedProxies.isEmpty()) {
      throw new IllegalArgumentException(
          "trustedProxies: [] (expected: at least one address or CIDR, such as your router's"
              + " 10.0.0.5, when routedPollingAddress "
              + routedPollingAddress
              + " is set)");
    }
    if (routedPollingAddress == null && !trustedProxies.isEmpty()) {
      throw new IllegalArgumentException(
          "trustedProxies: "
              + trustedProxies
              + " (expected: none without routedPollingAddress, the port they are trusted on)");
    }
    if (nodeName != null && (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:"))) {
      throw new IllegalArgumentException(
          "nodeName: '"
              + nodeName
              + "' needs a database every node shares (expected: a jdbc:postgresql:// URL; "
              + (jdbcUrl == null ? "the embedded H2 database" : jdbcUrl)
              + " serves a single server)");
    }
    if (silenceTimeout.compareTo(pollWait) <= 0) {
      throw new IllegalArgumentException(
          "silenceTimeout: "
              + silenceTimeout
              + " (expected: > pollWait "
              + pollWait
              + ", or every busy tentacle would look silent)");
    }
    return new ServerConfig(this);
  }

  private void requireOwnPort(String name, InetSocketAddress other) {
    int port = adminAddress.getPort();
    if (port != 0 && port == other.getPort() && overlap(adminAddress, other)) {
      throw new IllegalArgumentException(
          "adminAddress: "
              + adminAddress
              + " (expected: a port of its own; "
              + name
              + " "
              + other
              + " uses port "
              + port
              + ", and the admin pages must stay off it)");
    }
  }

  /** Whether two bind addresses can collide: the same address, or either one all addresses. */
  private static boolean overlap(InetSocketAddress a, InetSocketAddress b) {
    return a.getAddress() == null
        || b.getAddress() == null
        || a.getAddress().isAnyLocalAddress()
        || b.getAddress().isAnyLocalAddress()
        || a.getAddress().equals(b.getAddress());
  }

  private static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }
}
