package io.cuttle.server;

import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.identity.ServerIdentities;
import io.cuttle.server.metrics.ServerMetrics;
import io.cuttle.server.polling.PollingServer;
import io.cuttle.server.polling.RefusedConnections;
import io.cuttle.server.web.WebServer;
import io.cuttle.wire.api.ServerInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Deque;

/**
 * A whole Cuttle server in one process: database, task engine, polling listener, web app, and the
 * built-in router on the public port.
 *
 * <p>Start order is inside out (data first, public port last) so nothing is reachable before it can
 * answer. {@link #close()} runs the reverse: the public port stops accepting first, then the web
 * app and polling listener finish their calls, then the engine and the database close.
 */
public final class CuttleServer implements AutoCloseable {
  public static final String VERSION = io.cuttle.common.CuttleVersion.VERSION;

  private final ServerConfig config;
  private final ServerIdentities identities;
  private final Path adminApiKeyFile;
  private final String adminApiKey;
  private final Path adminPasswordFile;
  private final PollingServer polling;
  private final PollingServer.RoutedDoor routedDoor;
  private final WebServer web;
  private final PublicPort publicPort;
  private final RefusedConnections refused;
  private final String nodeName;
  private final Readiness readiness;
  private final AdminListener admin;
  private final ServerMetrics metrics;
  private final Deque<AutoCloseable> closeInReverse;

  private CuttleServer(ServerAssembly b) {
    this.config = b.config;
    this.identities = b.identities;
    this.adminApiKeyFile = b.adminApiKeyFile;
    this.adminApiKey = b.adminApiKey;
    this.adminPasswordFile = b.adminPasswordFile;
    this.polling = b.polling;
    this.routedDoor = b.routedDoor;
    this.web = b.web;
    this.publicPort = b.publicPort;
    this.refused = b.refused;
    this.nodeName = b.nodeName;
    this.readiness = b.readiness;
    this.admin = b.admin;
    this.metrics = b.metrics;
    this.closeInReverse = b.opened;
  }

  /**
   * Starts a server. On failure everything already started is closed again and the exception says
   * which part failed and what to do.
   */
  public static CuttleServer start(ServerConfig config) throws IOException {
    ServerAssembly b = new ServerAssembly(config);
    try {
      b.start();
      return new CuttleServer(b);
    } catch (IOException | RuntimeException e) {
      closeAll(b.opened);
      throw e;
    }
  }

  static ServerInfo info(
      ServerConfig config, Thumbprint thumbprint, int publicPort, int legacyPort) {
    return new ServerInfo(
        VERSION,
        "https://" + config.publicHost() + ":" + publicPort,
        "https://" + config.pollingHost() + ":" + publicPort,
        legacyPort,
        thumbprint.toString());
  }

  public ServerInfo info() {
    return info(config, identities.current().thumbprint(), publicPort.port(), polling.legacyPort());
  }

  /** The thumbprint of the certificate presented now; it changes when a rotation is activated. */
  public Thumbprint thumbprint() {
    return identities.current().thumbprint();
  }

  public InetSocketAddress publicAddress() {
    return new InetSocketAddress(config.publicAddress().getAddress(), publicPort.port());
  }

  public int publicPort() {
    return publicPort.port();
  }

  /** Counters of the built-in router, e.g. how many connections went to the polling listener. */
  public PublicPortStats publicPortStats() {
    return route -> publicPort.stats().routed(route);
  }

  /** Connections the public port handed to each route ("polling", "web"). */
  @FunctionalInterface
  public interface PublicPortStats {
    long routed(String route);
  }

  public int legacyPollingPort() {
    return polling.legacyPort();
  }

  /** The port an external router sends polling traffic to, or -1 when none is configured. */
  public int routedPollingPort() {
    return routedDoor == null ? -1 : routedDoor.port();
  }

  public String adminApiKey() {
    return adminApiKey;
  }

  public Path adminApiKeyFile() {
    return adminApiKeyFile;
  }

  /**
   * Where the first start wrote the bootstrap "admin" user's password; the file is gone when
   * someone deleted it after setting their own.
   */
  public Path adminPasswordFile() {
    return adminPasswordFile;
  }

  /** The name this node goes by in the node list and the logs. */
  public String nodeName() {
    return nodeName;
  }

  public RefusedConnections refusedConnections() {
    return refused;
  }

  /** Where {@code /metrics}, {@code /health/live} and {@code /health/ready} are served. */
  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  /** The metrics {@code /metrics} serves, in the Prometheus text format. */
  public String scrapeMetrics() {
    return metrics.scrape();
  }

  /** Reports not ready at once, then closes every part, public port first, admin listener last. */
  @Override
  public void close() {
    readiness.draining();
    closeAll(closeInReverse);
  }

  static void closeAll(Deque<AutoCloseable> resources) {
    RuntimeException failure = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("could not close the server cleanly", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
