package io.cuttle.dist;

import io.cuttle.dist.logging.LogFormat;
import io.cuttle.dist.settings.EffectiveSettings;
import io.cuttle.dist.settings.Layout;
import io.cuttle.dist.settings.SettingSources;
import io.cuttle.server.CuttleServer;
import io.cuttle.server.ServerConfig;
import io.cuttle.server.ServerConfigBuilder;
import io.cuttle.server.tasks.TentacleVersions;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a Cuttle server: web UI and REST API, the polling listener, and the built-in router "
          + "that serves web and polling traffic on one public port by SNI."
    })
final class ServerCommand implements Callable<Integer> {
  /** CUTTLE_SERVER_* variables and --config; the password is never written in the file. */
  static final Layout SETTINGS =
      Layout.of("SERVER", "--config")
          .withActions("--print-config")
          .refusing(
              "db-password",
              "the password is not written here (expected: db-password-file = a file holding"
                  + " it, or the environment variable "
                  + DatabasePassword.VARIABLE
                  + ")",
              DatabasePassword.VARIABLE);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = {
        "Settings file, e.g. /etc/cuttle/server.conf: one 'name = value' per line, the names "
            + "being the options below without their dashes (port = 8443). An option beats its "
            + "environment variable, which beats the file; see docs/configuration.md."
      })
  Path config;

  @Option(
      names = "--print-config",
      description = {
        "Print the settings this command would run with, where each came from, and stop "
            + "(secrets redacted)."
      })
  boolean printConfig;

  @Option(
      names = "--data",
      description = "Data directory (default: ${DEFAULT-VALUE}).",
      defaultValue = "cuttle-data")
  Path data;

  @Option(
      names = "--public-host",
      description =
          "Host name people and tentacles use; polling is served as polling.<host> (default: ${DEFAULT-VALUE}).",
      defaultValue = "localhost")
  String publicHost;

  @Option(
      names = "--bind",
      description = "Address to listen on (default: all interfaces).",
      defaultValue = "0.0.0.0")
  String bind;

  @Option(
      names = "--port",
      description = "Public port for web and polling (default: ${DEFAULT-VALUE}).",
      defaultValue = "8443")
  int port;

  @Option(
      names = "--legacy-port",
      description = "Legacy polling port (default: ${DEFAULT-VALUE}).",
      defaultValue = "10943")
  int legacyPort;

  @Option(
      names = "--admin-address",
      paramLabel = "HOST:PORT",
      description = {
        "Where /metrics (Prometheus), /health/live and /health/ready are served over plain HTTP "
            + "(default: ${DEFAULT-VALUE}); never the public port. Needs no key: keep it on "
            + "loopback or a management network. Port 0 picks a free port."
      },
      defaultValue = "127.0.0.1:" + ServerConfig.DEFAULT_ADMIN_PORT)
  String adminAddress;

  @Option(
      names = "--routed-polling-port",
      description =
          "Also listen here for polling traffic from an external router (cuttle router, HAProxy)"
              + " that sends a PROXY v1/v2 header, then the tentacle's TLS. Needs"
              + " --trusted-proxy.")
  Integer routedPollingPort;

  @Option(
      names = "--trusted-proxy",
      paramLabel = "CIDR",
      split = ",",
      description = {
        "An address or CIDR (IPv4 or IPv6) allowed to connect to --routed-polling-port, e.g. your "
            + "router's 10.0.0.5 or 10.0.0.0/24; repeat it or separate several with commas. Connections from anywhere else are "
            + "closed before any PROXY header or TLS is read."
      })
  List<String> trustedProxies = List.of();

  @Option(
      names = "--minimum-tentacle-version",
      paramLabel = "VERSION",
      description = "Show tentacles older than this (e.g. 0.2.0) as needing an upgrade.")
  String minimumTentacleVersion;

  @Option(
      names = "--health-check-interval-seconds",
      paramLabel = "SECONDS",
      description =
          "How often every tentacle is health-checked, spread over that time (default:"
              + " ${DEFAULT-VALUE}, an hour); 0 turns scheduled checks off.",
      defaultValue = "3600")
  long healthCheckIntervalSeconds;

  @Option(
      names = "--handshake-timeout-seconds",
      paramLabel = "SECONDS",
      description = {
        "How long a new connection on any port has to send its ClientHello or PROXY header and "
            + "finish its TLS handshake before it is closed (default: ${DEFAULT-VALUE})."
      },
      defaultValue = "10")
  long handshakeTimeoutSeconds;

  @Option(
      names = "--min-free-disk-mb",
      paramLabel = "MB",
      description = {
        "A tentacle whose health check finds less free disk than this (MiB) on its home's file "
            + "system is unhealthy (default: ${DEFAULT-VALUE})."
      },
      defaultValue = "1024")
  long minFreeDiskMb;

  @Option(
      names = "--db",
      description = "JDBC URL of the database (default: embedded H2 in the data directory).")
  String jdbcUrl;

  @Option(names = "--db-user", description = "Database user.")
  String dbUser;

  @Option(
      names = "--db-password-env",
      paramLabel = "VARIABLE",
      description = {
        "Name of the environment variable holding the database password (default: "
            + "${DEFAULT-VALUE}). There is no option for the password itself: the command line is "
            + "visible to every user of the machine."
      },
      defaultValue = DatabasePassword.VARIABLE)
  String dbPasswordEnv;

  @Option(
      names = "--db-password-file",
      paramLabel = "FILE",
      description = "File holding the database password (instead of --db-password-env).")
  Path dbPasswordFile;

  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      description = {
        "This node's name when several servers share one PostgreSQL database (see --db), e.g."
            + " node-1 (default: the host name); 'cuttle node list' shows it. See"
            + " docs/high-availability.md."
      })
  String nodeName;

  @Option(
      names = "--package-dir",
      paramLabel = "DIR",
      description = {
        "Where pushed packages are kept (default: packages in the data directory). Several nodes "
            + "sharing one database must share this directory too."
      })
  Path packageDirectory;

  @Option(
      names = "--max-package-mb",
      paramLabel = "MB",
      description = "The largest package the server accepts, in MiB (default: ${DEFAULT-VALUE}).",
      defaultValue = "1024")
  long maxPackageMb;

  @Option(
      names = "--max-command-output-mb",
      paramLabel = "MB",
      description = {
        "How much output of one command the server stores, in MiB (default: ${DEFAULT-VALUE}); "
            + "beyond it a line saying so is stored and the rest dropped."
      },
      defaultValue = "1024")
  long maxCommandOutputMb;

  @CommandLine.Mixin LogFormatOption logFormat;

  @Override
  public Integer call() throws Exception {
    SettingSources sources = SettingSources.of(spec);
    logFormat.apply();
    LogFormat.name("node", nodeName);
    ServerSettingChecks.check(this, sources::label);
    DatabasePassword password =
        DatabasePassword.resolve(dbPasswordFile, dbPasswordEnv, sources, sources.environment());
    if (printConfig) {
      EffectiveSettings.print(
          spec.commandLine().getOut(), sources, "--config", List.of(password.describe()));
      return 0;
    }
    // The folder first: a second server on it usually has the same ports too, and the folder is
    // the better diagnosis. Then the ports, before a new folder gets keys written into it.
    boolean existingFolder = java.nio.file.Files.isDirectory(data);
    if (existingFolder) {
      DataFolderLock.hold(data);
    }
    ServerConfigBuilder builder = config(data, publicHost, bind, port, legacyPort);
    DataFolderLock.requireFree(sources.label("--port"), new InetSocketAddress(bind, port));
    DataFolderLock.requireFree(
        sources.label("--legacy-port"), new InetSocketAddress(bind, legacyPort));
    DataFolderLock.requireFree(
        sources.label("--routed-polling-port"), routedPollingAddress(bind, routedPollingPort));
    InetSocketAddress admin = adminAddress(adminAddress);
    for (var other : java.util.Map.of("--port", port, "--legacy-port", legacyPort).entrySet()) {
      if (admin.getPort() != 0 && admin.getPort() == other.getValue()) {
        throw new IllegalArgumentException(
            sources.label("--admin-address")
                + " "
                + adminAddress
                + " uses the port of "
                + sources.label(other.getKey())
                + " "
                + other.getValue()
                + ": the admin pages need a port of their own (e.g. the default 127.0.0.1:"
                + ServerConfig.DEFAULT_ADMIN_PORT
                + ")");
      }
    }
    DataFolderLock.requireFree(sources.label("--admin-address"), admin);
    if (!existingFolder) {
      DataFolderLock.hold(data);
    }
    ServerConfig config =
        builder
            .healthCheckInterval(java.time.Duration.ofSeconds(healthCheckIntervalSeconds))
            .minimumFreeDiskBytes(minFreeDiskMb * 1024 * 1024)
            .handshakeTimeout(java.time.Duration.ofSeconds(handshakeTimeoutSeconds))
            .packageDirectory(packageDirectory)
            .maxPackageBytes(maxPackageMb * 1024 * 1024)
            .maxCommandOutputBytes(maxCommandOutputMb * 1024 * 1024)
            .routedPollingAddress(routedPollingAddress(bind, routedPollingPort))
            .adminAddress(admin)
            .trustedProxies(trustedProxies)
            .minimumTentacleVersion(
                minimumTentacleVersion == null
                    ? null
                    : TentacleVersions.requireValid(
                        "--minimum-tentacle-version", minimumTentacleVersion))
            .database(jdbcUrl, dbUser, password.password())
            .nodeName(nodeName)
            .build();
    CuttleServer server = CuttleServer.start(config);
    printBanner(spec.commandLine().getOut(), server);
    UntilStopped.await(server::close);
    return 0;
  }

  static ServerConfigBuilder config(
      Path data, String publicHost, String bind, int port, int legacyPort) {
    ServerSettingChecks.port("--port", port);
    ServerSettingChecks.port("--legacy-port", legacyPort);
    return ServerConfig.builder()
        .dataDirectory(data)
        .publicHost(publicHost)
        .publicAddress(new InetSocketAddress(bind, port))
        .legacyPollingAddress(new InetSocketAddress(bind, legacyPort));
  }

  /** The admin listener's address, resolved, or an error naming the option. */
  static InetSocketAddress adminAddress(String hostPort) {
    InetSocketAddress address = RouterCommand.address("--admin-address", hostPort);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "--admin-address: '"
              + hostPort
              + "' (expected: an address of this machine, such as 127.0.0.1:"
              + ServerConfig.DEFAULT_ADMIN_PORT
              + "; "
              + address.getHostString()
              + " does not resolve)");
    }
    return address;
  }

  /** Null when there is no external router to listen for. */
  static InetSocketAddress routedPollingAddress(String bind, Integer port) {
    if (port == null) {
      return null;
    }
    ServerSettingChecks.port("--routed-polling-port", port);
    return new InetSocketAddress(bind, port);
  }

  static void printBanner(PrintWriter out, CuttleServer server) {
    var info = server.info();
    out.println("Cuttle server " + info.version() + " is up.");
    out.println("  Web UI and API:   " + info.webUrl() + "/");
    out.println("  Polling via router (by SNI): " + info.pollingUrl());
    out.println("  Polling via legacy port:     " + server.legacyPollingPort());
    if (server.routedPollingPort() >= 0) {
      out.println("  Polling via router (external, PROXY): " + server.routedPollingPort());
    }
    out.println(
        "  Admin (metrics, health): http://"
            + RouterCommand.hostPort(server.adminAddress())
            + "/metrics, /health/live, /health/ready");
    out.println("  Server thumbprint: " + info.thumbprint());
    out.println("  Admin API key:     in " + server.adminApiKeyFile() + " (owner-only)");
    if (java.nio.file.Files.exists(server.adminPasswordFile())) {
      out.println(
          "  Sign in as 'admin' with the password in "
              + server.adminPasswordFile()
              + " (owner-only; set your own password, then delete the file)");
    }
    out.flush();
  }
}
