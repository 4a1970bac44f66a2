package io.cuttle.server;

import io.cuttle.common.net.Cidr;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code cuttle server} can be told, with the defaults a new user meets: data under
 * {@code ./cuttle-data}, one public port 8443 serving web and polling by SNI, and the legacy
 * polling port 10943. Immutable; build with {@link #builder()}.
 */
public final class ServerConfig {
  public static final int DEFAULT_PUBLIC_PORT = 8443;
  public static final int DEFAULT_LEGACY_POLLING_PORT = 10943;

  /** The admin listener's port (metrics, health), on loopback unless told otherwise. */
  public static final int DEFAULT_ADMIN_PORT = 9902;

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
  private final InetSocketAddress adminAddress;
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

  ServerConfig(ServerConfigBuilder b) {
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
    this.adminAddress = b.adminAddress;
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

  public static ServerConfigBuilder builder() {
    return new ServerConfigBuilder();
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
   * Where the admin listener serves {@code /metrics}, {@code /health/live} and {@code
   * /health/ready} over plain HTTP: loopback port {@value #DEFAULT_ADMIN_PORT} unless set, never
   * the public port.
   */
  public InetSocketAddress adminAddress() {
    return adminAddress;
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
}
