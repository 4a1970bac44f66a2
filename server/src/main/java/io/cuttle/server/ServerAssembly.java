package io.cuttle.server;

import io.cuttle.common.io.AtomicFiles;
import io.cuttle.server.data.ApiKeyStore;
import io.cuttle.server.data.AuditLog;
import io.cuttle.server.data.ClusterIdentityStore;
import io.cuttle.server.data.CommandLog;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.data.Database;
import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.DeploymentStore;
import io.cuttle.server.data.EnvironmentStore;
import io.cuttle.server.data.FleetCounts;
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
import io.cuttle.server.metrics.CommandMeters;
import io.cuttle.server.metrics.ServerGauges;
import io.cuttle.server.metrics.ServerMetrics;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.server.polling.PollingServer;
import io.cuttle.server.polling.PostgresWakeups;
import io.cuttle.server.polling.RefusedConnections;
import io.cuttle.server.tasks.HealthChecks;
import io.cuttle.server.tasks.Registrations;
import io.cuttle.server.tasks.TaskEngine;
import io.cuttle.server.web.WebServer;
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
 * Starts a server's parts in order, inside out: the data first (database, identities, stores), then
 * the engines that work on it, then the listeners, the public port last, so nothing is reachable
 * before it can answer. Keeps each part it opened, so that a failure part-way closes exactly what
 * was opened, in reverse ({@link CuttleServer#close()} does the same for a running server).
 */
final class ServerAssembly {
  /** How long a wake-up lost between nodes can delay a command at most. */
  private static final java.time.Duration WAKE_UP_RECHECK = java.time.Duration.ofSeconds(3);

  // How soon a database outage nobody ran into, and the end of any outage, are noticed.
  private static final java.time.Duration DATABASE_PROBE_INTERVAL = java.time.Duration.ofSeconds(2);

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
  final Readiness readiness = new Readiness();
  ServerMetrics metrics;
  AdminListener admin;

  ServerAssembly(ServerConfig config) {
    this.config = config;
  }

  void start() throws IOException {
    Path data = config.dataDirectory();
    AtomicFiles.createPrivateDirectories(data);
    nodeName = NodeName.of(config);
    // First up, last down: live (and saying why it is not ready) while the database migrates,
    // and not ready while the rest drains.
    metrics = open(new ServerMetrics());
    admin =
        open(
            PortInUse.explain(
                "admin port",
                config.adminAddress(),
                () -> AdminListener.start(config.adminAddress(), metrics, readiness)));
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
        open(DatabaseAvailability.watch(database::check, config.clock(), DATABASE_PROBE_INTERVAL));
    readiness.databaseIs(availability);
    ServerGauges.database(metrics.registry(), availability, database);
    ServerGauges.certificates(metrics.registry(), identities);
    CommandMeters commandMeters = new CommandMeters(metrics.registry());
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
    CommandQueue queue = new CommandQueue(jdbi, secrets, commandMeters);
    CommandLog log = new CommandLog(jdbi, secrets, config.maxCommandOutputBytes(), commandMeters);
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
    ServerGauges.refused(metrics.registry(), refused);
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
    TaskStore tasks = new TaskStore(jdbi, orchestrator::advanceSoon, commandMeters);
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
    ServerGauges.fleet(metrics, new FleetCounts(jdbi), availability, config.clock(), onlineWindow);
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
                        log,
                        packages,
                        waiters,
                        refused,
                        availability,
                        workers)));
    ServerGauges.polling(metrics.registry(), polling.connectedTentacles(), waiters);
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
                        CuttleServer.info(
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
                workers,
                metrics.registry()));
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
    metrics.alsoScrape(publicPort.stats()::scrape);
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
                    CuttleServer.VERSION,
                    identities.current().thumbprint().toString(),
                    startedAt,
                    config.clock().millis(),
                    config.nodeHeartbeat().toMillis(),
                    waiters.tentaclesWaiting(),
                    waiters.heldPolls()),
            config.nodeHeartbeat(),
            availability,
            workers));
    readiness.listening();
  }

  private <T extends AutoCloseable> T open(T resource) {
    opened.push(resource);
    return resource;
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
