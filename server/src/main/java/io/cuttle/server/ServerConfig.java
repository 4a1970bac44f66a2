package io.cuttle.server;

import io.cuttle.common.net.Cidr;
import io.cuttle.server.tasks.TentacleVersions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code cuttle server} can be told, with the defaults a new user meets: data under
 * {@code ./cuttle-data}, one public port 8443 serving web and polling by SNI, and the legacy
 * polling port 10943. Immutable; build with {@link #builder()}.
 */
public final class ServerConfig {
  public static final int DEFAULT_PUBLIC_PORT = 8443;
  public static final int DEFAULT_LEGACY_POLLING_PORT = 10943;
  public static final long DEFAULT_MAX_PACKAGE_BYTES = 1024L * 1024 * 1024;
  public static final long DEFAULT_MAX_COMMAND_OUTPUT_BYTES = 1024L * 1024 * 1024;

  /**
   * Long enough for a tentacle on a slow, lossy link (a TLS 1.3 handshake is two round trips),
   * short enough that a client which connects and stalls frees its connection soon.
   */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A tentacle always has a poll in progress, so only a client that finished its handshake and then
   * sent no whole request is idle this long; nginx gives request headers the same 60 s.
   */
  public static final Duration DEFAULT_POLLING_IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final Path dataDirectory;
  private final String publicHost;
  private final InetSocketAddress publicAddress;
  private final InetSocketAddress legacyPollingAddress;
  private final InetSocketAddress routedPollingAddress;
  private final List<Cidr> trustedProxies;
  private final String jdbcUrl;
  private final String databaseUser;
  private final String databasePassword;
  private final Duration pollWait;
  private final Duration redeliverAfter;
  private final Duration pickupTimeout;
  private final Duration silenceTimeout;
  private final Duration handshakeTimeout;
  private final Duration pollingIdleTimeout;
  private final Clock clock;
  private final String minimumTentacleVersion;
  private final Duration healthCheckInterval;
  private final long minimumFreeDiskBytes;
  private final Path packageDirectory;
  private final long maxPackageBytes;
  private final long maxCommandOutputBytes;
  private final String nodeName;
  private final Duration nodeHeartbeat;

  private ServerConfig(Builder b) {
    this.nodeName = b.nodeName;
    this.nodeHeartbeat = b.nodeHeartbeat;
    this.packageDirectory =
        b.packageDirectory == null ? b.dataDirectory.resolve("packages") : b.packageDirectory;
    this.maxPackageBytes = b.maxPackageBytes;
    this.maxCommandOutputBytes = b.maxCommandOutputBytes;
    this.minimumTentacleVersion = b.minimumTentacleVersion;
    this.healthCheckInterval = b.healthCheckInterval;
    this.minimumFreeDiskBytes = b.minimumFreeDiskBytes;
    this.dataDirectory = b.dataDirectory;
    this.publicHost = b.publicHost;
    this.handshakeTimeout = b.handshakeTimeout;
    this.pollingIdleTimeout = b.pollingIdleTimeout;
    this.publicAddress = b.publicAddress;
    this.legacyPollingAddress = b.legacyPollingAddress;
    this.routedPollingAddress = b.routedPollingAddress;
    this.trustedProxies = b.trustedProxies;
    this.jdbcUrl = b.jdbcUrl;
    this.databaseUser = b.databaseUser;
    this.databasePassword = b.databasePassword;
    this.pollWait = b.pollWait;
    this.redeliverAfter = b.redeliverAfter;
    this.pickupTimeout = b.pickupTimeout;
    this.silenceTimeout = b.silenceTimeout;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** The web host name; polling is served for {@code polling.<publicHost>}. */
  public String publicHost() {
    return publicHost;
  }

  public String pollingHost() {
    return "polling." + publicHost;
  }

  public InetSocketAddress publicAddress() {
    return publicAddress;
  }

  public InetSocketAddress legacyPollingAddress() {
    return legacyPollingAddress;
  }

  /**
   * Where an external router (a standalone {@code cuttle router}, HAProxy) sends polling traffic
   * with a PROXY header, or null when there is none: polling then comes only through the built-in
   * router and the legacy port.
   */
  public InetSocketAddress routedPollingAddress() {
    return routedPollingAddress;
  }

  /**
   * The peers allowed to connect to {@link #routedPollingAddress()}: only they may say, in a PROXY
   * header, where a tentacle really is. Empty when there is no routed polling address.
   */
  public List<Cidr> trustedProxies() {
    return trustedProxies;
  }

  /** The JDBC URL, or null for embedded H2 in the data directory. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String databaseUser() {
    return databaseUser;
  }

  public String databasePassword() {
    return databasePassword;
  }

  public Duration pollWait() {
    return pollWait;
  }

  public Duration redeliverAfter() {
    return redeliverAfter;
  }

  public Duration pickupTimeout() {
    return pickupTimeout;
  }

  public Duration silenceTimeout() {
    return silenceTimeout;
  }

  /**
   * How long a new connection on any of the server's ports has, from being accepted, to finish what
   * it must send first: the ClientHello on the public port, the PROXY header on a routed polling
   * port, and the whole TLS handshake everywhere. It is closed when the time is up.
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * How long a connection to a polling port may carry no call in progress before it is closed: a
   * client that finished its handshake and then stalls, or trickles its first request, is closed
   * after this.
   */
  public Duration pollingIdleTimeout() {
    return pollingIdleTimeout;
  }

  public Clock clock() {
    return clock;
  }

  /** Tentacles older than this are shown as needing an upgrade; null: none are. */
  public String minimumTentacleVersion() {
    return minimumTentacleVersion;
  }

  /** How often each tentacle is health-checked; zero when scheduled checks are off. */
  public Duration healthCheckInterval() {
    return healthCheckInterval;
  }

  /** A health check finding less free disk than this on the tentacle's home marks it unhealthy. */
  public long minimumFreeDiskBytes() {
    return minimumFreeDiskBytes;
  }

  /**
   * Where package bytes are kept: {@code packages} in the data directory unless set. Several nodes
   * serving one database must share it (a network file system), as any node may be asked for any
   * package.
   */
  public Path packageDirectory() {
    return packageDirectory;
  }

  /** The largest package the server accepts, in bytes. */
  public long maxPackageBytes() {
    return maxPackageBytes;
  }

  /**
   * How much output of one command the server stores, in UTF-8 bytes of its lines (each counting
   * one more for its line break); beyond it a line saying so is stored and the rest dropped.
   */
  public long maxCommandOutputBytes() {
    return maxCommandOutputBytes;
  }

  /**
   * This node's name among several sharing one PostgreSQL database, or null for a server that is
   * the only one, which is then named after its machine's host name. Only for people: the node
   * list, logs and the database's list of connections show it; the node list keeps one row per
   * name.
   */
  public String nodeName() {
    return nodeName;
  }

  /**
   * How often this node refreshes its row in the node list; it shows offline after three missed
   * beats.
   */
  public Duration nodeHeartbeat() {
    return nodeHeartbeat;
  }

  /** Whether the database can be shared by several nodes, which then wake each other's polls. */
  public boolean sharedDatabase() {
    return jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:");
  }

  /** Builds a {@link ServerConfig}, refusing values that cannot work with a message naming them. */
  public static final class Builder {
    private Path dataDirectory = Path.of("cuttle-data");
    private String publicHost = "localhost";
    private InetSocketAddress publicAddress = new InetSocketAddress(DEFAULT_PUBLIC_PORT);
    private InetSocketAddress legacyPollingAddress =
        new InetSocketAddress(DEFAULT_LEGACY_POLLING_PORT);
    private InetSocketAddress routedPollingAddress;
    private List<Cidr> trustedProxies = List.of();
    private String jdbcUrl;
    private String databaseUser;
    private String databasePassword;
    private Duration pollWait = Duration.ofSeconds(55);
    private Duration redeliverAfter = Duration.ofSeconds(30);
    private Duration pickupTimeout = Duration.ofMinutes(10);
    private Duration silenceTimeout = Duration.ofMinutes(3);
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration pollingIdleTimeout = DEFAULT_POLLING_IDLE_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private String minimumTentacleVersion;
    private Duration healthCheckInterval = Duration.ofMinutes(60);
    private long minimumFreeDiskBytes = 1024L * 1024 * 1024;
    private Path packageDirectory;
    private long maxPackageBytes = DEFAULT_MAX_PACKAGE_BYTES;
    private long maxCommandOutputBytes = DEFAULT_MAX_COMMAND_OUTPUT_BYTES;
    private String nodeName;
    private Duration nodeHeartbeat = Duration.ofSeconds(5);

    private Builder() {}

    /** Null (the default) for a server that is the only node. */
    public Builder nodeName(String nodeName) {
      if (nodeName != null && !nodeName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
        throw new IllegalArgumentException(
            "nodeName: '"
                + nodeName
                + "' (expected: 1 to 63 letters, digits, '.', '_' or '-', such as node-1)");
      }
      this.nodeName = nodeName;
      return this;
    }

    public Builder nodeHeartbeat(Duration nodeHeartbeat) {
      this.nodeHeartbeat = positive("nodeHeartbeat", nodeHeartbeat);
      return this;
    }

    /** Null (the default) for {@code packages} in the data directory. */
    public Builder packageDirectory(Path packageDirectory) {
      this.packageDirectory = packageDirectory;
      return this;
    }

    public Builder maxPackageBytes(long maxPackageBytes) {
      if (maxPackageBytes <= 0) {
        throw new IllegalArgumentException(
            "maxPackageBytes: " + maxPackageBytes + " (expected: > 0)");
      }
      this.maxPackageBytes = maxPackageBytes;
      return this;
    }

    public Builder maxCommandOutputBytes(long maxCommandOutputBytes) {
      if (maxCommandOutputBytes <= 0) {
        throw new IllegalArgumentException(
            "maxCommandOutputBytes: " + maxCommandOutputBytes + " (expected: > 0)");
      }
      this.maxCommandOutputBytes = maxCommandOutputBytes;
      return this;
    }

    public Builder dataDirectory(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
      return this;
    }

    public Builder publicHost(String publicHost) {
      Objects.requireNonNull(publicHost, "publicHost");
      if (!publicHost.matches(
          "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
        throw new IllegalArgumentException(
            "publicHost: '" + publicHost + "' (expected: a DNS name such as deploy.example.com)");
      }
      this.publicHost = publicHost;
      return this;
    }

    public Builder publicAddress(InetSocketAddress publicAddress) {
      this.publicAddress = Objects.requireNonNull(publicAddress, "publicAddress");
      return this;
    }

    public Builder legacyPollingAddress(InetSocketAddress legacyPollingAddress) {
      this.legacyPollingAddress =
          Objects.requireNonNull(legacyPollingAddress, "legacyPollingAddress");
      return this;
    }

    /** Null (the default) for no listener for an external router. */
    public Builder routedPollingAddress(InetSocketAddress routedPollingAddress) {
      this.routedPollingAddress = routedPollingAddress;
      return this;
    }

    /** Addresses or CIDRs, IPv4 or IPv6, e.g. {@code 10.0.0.5} or {@code 10.0.0.0/8}. */
    public Builder trustedProxies(List<String> trustedProxies) {
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

    public Builder database(String jdbcUrl, String user, String password) {
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

    public Builder pollWait(Duration pollWait) {
      this.pollWait = positive("pollWait", pollWait);
      return this;
    }

    public Builder redeliverAfter(Duration redeliverAfter) {
      this.redeliverAfter = positive("redeliverAfter", redeliverAfter);
      return this;
    }

    public Builder pickupTimeout(Duration pickupTimeout) {
      this.pickupTimeout = positive("pickupTimeout", pickupTimeout);
      return this;
    }

    public Builder silenceTimeout(Duration silenceTimeout) {
      this.silenceTimeout = positive("silenceTimeout", silenceTimeout);
      return this;
    }

    public Builder handshakeTimeout(Duration handshakeTimeout) {
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
      // The timers count whole milliseconds: anything shorter would be no time at all.
      if (handshakeTimeout.toMillis() <= 0) {
        throw new IllegalArgumentException(
            "handshakeTimeout: " + handshakeTimeout + " (expected: >= 1ms)");
      }
      this.handshakeTimeout = handshakeTimeout;
      return this;
    }

    public Builder pollingIdleTimeout(Duration pollingIdleTimeout) {
      this.pollingIdleTimeout = positive("pollingIdleTimeout", pollingIdleTimeout);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder minimumTentacleVersion(String version) {
      this.minimumTentacleVersion =
          version == null ? null : TentacleVersions.requireValid("minimumTentacleVersion", version);
      return this;
    }

    /** Zero turns scheduled health checks off; checks on demand still run. */
    public Builder healthCheckInterval(Duration interval) {
      Objects.requireNonNull(interval, "healthCheckInterval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException(
            "healthCheckInterval: " + interval + " (expected: >= 0, zero to turn it off)");
      }
      this.healthCheckInterval = interval;
      return this;
    }

    public Builder minimumFreeDiskBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("minimumFreeDiskBytes: " + bytes + " (expected: >= 0)");
      }
      this.minimumFreeDiskBytes = bytes;
      return this;
    }

    public ServerConfig build() {
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

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
