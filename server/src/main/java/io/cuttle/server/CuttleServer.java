package io.cuttle.server;

import io.cuttle.common.io.AtomicFiles;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.data.ApiKeyStore;
import io.cuttle.server.data.AuditLog;
import io.cuttle.server.data.ClusterIdentityStore;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.data.Database;
import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.DeploymentStore;
import io.cuttle.server.data.EnvironmentStore;
import io.cuttle.server.data.HealthCheckStore;
import io.cuttle.server.data.Orchestration;
import io.cuttle.server.data.PasswordHasher;
import io.cuttle.server.data.ProjectStore;
import io.cuttle.server.data.RegistrationTokenStore;
import io.cuttle.server.data.ReleaseStore;
import io.cuttle.server.data.Secrets;
import io.cuttle.server.data.ServerNodeStore;
import io.cuttle.server.data.SessionStore;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.data.UserStore;
import io.cuttle.server.deploy.Deployments;
import io.cuttle.server.deploy.Environments;
import io.cuttle.server.deploy.Orchestrator;
import io.cuttle.server.deploy.Projects;
import io.cuttle.server.deploy.StepKinds;
import io.cuttle.server.identity.ClusterIdentity;
import io.cuttle.server.identity.ServerCertificates;
import io.cuttle.server.identity.ServerIdentities;
import io.cuttle.server.identity.SwitchingTlsProvider;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.server.polling.PollingServer;
import io.cuttle.server.polling.PostgresWakeups;
import io.cuttle.server.polling.RefusedConnections;
import io.cuttle.server.tasks.HealthChecks;
import io.cuttle.server.tasks.Registrations;
import io.cuttle.server.tasks.TaskEngine;
import io.cuttle.server.web.WebServer;
import io.cuttle.wire.api.ServerInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;

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

  /** How long a wake-up lost between nodes can delay a command at most. */
  private static final java.time.Duration WAKE_UP_RECHECK = java.time.Duration.ofSeconds(3);

  // How soon a database outage nobody ran into, and the end of any outage, are noticed.
  private static final java.time.Duration DATABASE_PROBE_INTERVAL = java.time.Duration.ofSeconds(2);

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
  private final Deque<AutoCloseable> closeInReverse;

  private CuttleServer(Builder b) {
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
    this.closeInReverse = b.opened;
  }

  /**
   * Starts a server. On failure everything already started is closed again and the exception says
   * which part failed and what to do.
   */
  public static CuttleServer start(ServerConfig config) throws IOException {
    Builder b = new Builder(config);
    try {
      b.start();
      return new CuttleServer(b);
    } catch (IOException | RuntimeException e) {
      closeAll(b.opened);
      throw e;
    }
  }

  /** Collects the parts while they start, so a failure part-way can close what was opened. */
  private static final class Builder {
    final ServerConfig config;
    final Deque<AutoCloseable> opened = new ArrayDeque<>();
    ServerIdentities identities;
    Path adminApiKeyFile;
    String adminApiKey;
    Path adminPasswordFile;
    PollingServer polling;
    PollingServer.RoutedDoor routedDoor;
    WebServer web;
    PublicPort publicPort;
    TaskEngine engine;
    RefusedConnections refused;
    PollWaiters waiters;
    String nodeName;

    Builder(ServerConfig config) {
      this.config = config;
    }

    void start() throws IOException {
      Path data = config.dataDirectory();
      AtomicFiles.createPrivateDirectories(data);
      nodeName = NodeName.of(config);
      Database database =
          open(
              Database.open(
                  config.jdbcUrl() == null ? Database.embeddedUrl(data) : config.jdbcUrl(),
                  config.databaseUser(),
                  config.databasePassword()));
      Jdbi jdbi = database.jdbi();
      Secrets secrets = new Secrets(data);
      ClusterIdentity.Opener openIdentities =
          () ->
              ServerIdentities.open(
                  data,
                  "cuttle-server " + config.publicHost(),
                  new LinkedHashSet<>(
                      List.of(
                          config.publicHost(),
                          config.pollingHost(),
                          "localhost",
                          "polling.localhost")));
      ServerCertificates.Activation activation;
      // Checked before this node writes anything to a shared database: a node refused here
      // leaves it as it was.
      if (config.sharedDatabase()) {
        ClusterIdentity cluster =
            new ClusterIdentity(new ClusterIdentityStore(jdbi), secrets, nodeName, config.clock());
        identities = cluster.join(data, openIdentities);
        activation = () -> cluster.activate(identities);
      } else {
        identities = openIdentities.open();
        activation = identities::activate;
      }
      DatabaseAvailability availability =
          open(
              DatabaseAvailability.watch(database::check, config.clock(), DATABASE_PROBE_INTERVAL));
      waiters =
          config.sharedDatabase()
              ? open(PostgresWakeups.start(
                      config.jdbcUrl(),
                      config.databaseUser(),
                      config.databasePassword(),
                      nodeName,
                      jdbi,
                      WAKE_UP_RECHECK))
                  .waiters()
              : new PollWaiters();
      TentacleStore tentacles = new TentacleStore(jdbi);
      CommandQueue queue = new CommandQueue(jdbi, secrets, config.maxCommandOutputBytes());
      ApiKeyStore apiKeys = new ApiKeyStore(jdbi);
      RegistrationTokenStore registrationTokens = new RegistrationTokenStore(jdbi);
      EnvironmentStore environmentStore = new EnvironmentStore(jdbi);
      environmentStore.adoptTentacleEnvironments(config.clock().millis());
      ReleaseStore releases = new ReleaseStore(jdbi);
      PackageStore packages =
          new PackageStore(
              jdbi,
              config.packageDirectory(),
              config.maxPackageBytes(),
              coordinates -> releases.usingPackage(coordinates.id(), coordinates.version()),
              config.clock());
      adminApiKeyFile = data.resolve(AdminApiKey.FILE).toAbsolutePath();
      adminApiKey = AdminApiKey.ensure(data, apiKeys, config.clock());
      UserStore users = new UserStore(database.jdbi());
      PasswordHasher passwords = new PasswordHasher();
      AdminUser.ensure(data, users, passwords, config.clock());
      adminPasswordFile = data.resolve(AdminUser.FILE).toAbsolutePath();

      ServerNodeStore nodes = new ServerNodeStore(jdbi);
      ScheduledExecutorService workers = Executors.newScheduledThreadPool(16, new WorkerThreads());
      open(workers::shutdownNow);
      refused = new RefusedConnections();
      Orchestration orchestration = new Orchestration(jdbi, queue);
      Orchestrator orchestrator =
          open(
              new Orchestrator(
                  orchestration,
                  waiters,
                  config.clock(),
                  config.pickupTimeout(),
                  java.time.Duration.ofSeconds(2),
                  availability,
                  workers));
      TaskStore tasks = new TaskStore(jdbi, orchestrator::advanceSoon);
      ProjectStore projectStore = new ProjectStore(jdbi);
      Projects projects = new Projects(projectStore, environmentStore, secrets, config.clock());
      Deployments deployments =
          new Deployments(
              new Deployments.Stores(
                  environmentStore,
                  projectStore,
                  releases,
                  new DeploymentStore(jdbi),
                  tasks,
                  queue,
                  tentacles,
                  orchestration),
              projects,
              StepKinds.standard(packages),
              secrets,
              orchestrator,
              config.clock());
      engine =
          open(
              new TaskEngine(
                  tentacles,
                  tasks,
                  queue,
                  packages,
                  waiters,
                  config.clock(),
                  new TaskEngine.Timing(
                      config.pickupTimeout(),
                      config.silenceTimeout(),
                      java.time.Duration.ofSeconds(1)),
                  availability,
                  workers));
      // A running tentacle polls at least this often.
      java.time.Duration onlineWindow = config.pollWait().plusSeconds(30);
      HealthChecks healthChecks =
          open(
              new HealthChecks(
                  tentacles,
                  new HealthCheckStore(jdbi, queue, tasks),
                  waiters,
                  config.clock(),
                  new HealthChecks.Settings(
                      config.healthCheckInterval(),
                      config.minimumFreeDiskBytes(),
                      onlineWindow,
                      config.pickupTimeout()),
                  availability,
                  workers));
      Listeners listeners = open(new Listeners());
      polling =
          listeners.add(
              PortInUse.explain(
                  "legacy polling port",
                  config.legacyPollingAddress(),
                  () ->
                      PollingServer.start(
                          new PollingServer.Settings(
                              config.legacyPollingAddress(),
                              config.pollWait(),
                              config.redeliverAfter(),
                              config.handshakeTimeout(),
                              config.pollingIdleTimeout(),
                              config.clock()),
                          identities,
                          tentacles,
                          tasks,
                          queue,
                          packages,
                          waiters,
                          refused,
                          availability,
                          workers)));
      InetSocketAddress routed = config.routedPollingAddress();
      if (routed != null) {
        routedDoor =
            listeners.add(
                PortInUse.explain(
                    "routed polling port",
                    routed,
                    () -> polling.openRoutedDoor(routed, config.trustedProxies())));
      }
      AtomicInteger advertisedPort = new AtomicInteger();
      web =
          listeners.add(
              WebServer.start(
                  new SwitchingTlsProvider(identities),
                  new WebServer.Parts(
                      () ->
                          info(
                              config,
                              identities.current().thumbprint(),
                              advertisedPort.get(),
                              polling.legacyPort()),
                      availability,
                      tentacles,
                      tasks,
                      apiKeys,
                      users,
                      new SessionStore(database.jdbi()),
                      passwords,
                      new AuditLog(database.jdbi()),
                      registrationTokens,
                      new Registrations(
                          tentacles,
                          environmentStore,
                          tasks,
                          registrationTokens,
                          () -> identities.current().thumbprint(),
                          waiters,
                          config.clock()),
                      engine,
                      healthChecks,
                      new Environments(environmentStore, config.clock()),
                      projects,
                      deployments,
                      packages,
                      waiters,
                      refused,
                      config.clock(),
                      onlineWindow,
                      config.minimumTentacleVersion(),
                      new ServerCertificates(
                          identities, activation, tentacles, config.clock(), onlineWindow),
                      nodes,
                      nodeName),
                  config.handshakeTimeout(),
                  workers));
      publicPort =
          open(
              PortInUse.explain(
                  "public port",
                  config.publicAddress(),
                  () ->
                      PublicPort.start(
                          config.publicAddress(),
                          config.pollingHost(),
                          polling.routedPort(),
                          web.port(),
                          config.handshakeTimeout())));
      advertisedPort.set(publicPort.port());
      polling.publicPortIs(publicPort.port());
      long startedAt = config.clock().millis();
      String address = nodeAddress(config.publicAddress(), publicPort.port());
      open(
          NodeHeartbeat.start(
              nodes,
              () ->
                  new ServerNodeStore.Node(
                      nodeName,
                      address,
                      VERSION,
                      identities.current().thumbprint().toString(),
                      startedAt,
                      config.clock().millis(),
                      config.nodeHeartbeat().toMillis(),
                      waiters.tentaclesWaiting(),
                      waiters.heldPolls()),
              config.nodeHeartbeat(),
              availability,
              workers));
    }

    private <T extends AutoCloseable> T open(T resource) {
      opened.push(resource);
      return resource;
    }
  }

  /**
   * Where this node itself is reached, past any router: its public port on the address it is bound
   * to, or on its host name when it listens on every address.
   */
  private static String nodeAddress(InetSocketAddress bound, int port) {
    String host;
    if (bound.getAddress() == null || bound.getAddress().isAnyLocalAddress()) {
      host = NodeName.localHostName();
    } else {
      String literal = bound.getAddress().getHostAddress();
      host = literal.contains(":") ? "[" + literal + "]" : literal;
    }
    return "https://" + host + ":" + port;
  }

  private static ServerInfo info(
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

  @Override
  public void close() {
    closeAll(closeInReverse);
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
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

  private static final class WorkerThreads implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "cuttle-worker-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
