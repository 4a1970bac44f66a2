package io.cuttle.dist;

import io.cuttle.server.CuttleServer;
import io.cuttle.server.ServerConfig;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a Cuttle server: web UI and REST API, the polling listener, and the built-in router",
      "that serves web and polling traffic on one public port by SNI."
    })
final class ServerCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

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
      names = "--db",
      description = "JDBC URL of the database (default: embedded H2 in the data directory).")
  String jdbcUrl;

  @Option(names = "--db-user", description = "Database user.")
  String dbUser;

  @Option(
      names = "--db-password-env",
      description = "Name of the environment variable holding the database password.")
  String dbPasswordEnv;

  @Override
  public Integer call() throws Exception {
    ServerConfig config =
        config(data, publicHost, bind, port, legacyPort)
            .database(jdbcUrl, dbUser, dbPasswordEnv == null ? null : System.getenv(dbPasswordEnv))
            .build();
    CuttleServer server = CuttleServer.start(config);
    printBanner(spec.commandLine().getOut(), server);
    UntilStopped.await(server::close);
    return 0;
  }

  static ServerConfig.Builder config(
      Path data, String publicHost, String bind, int port, int legacyPort) {
    checkPort("--port", port);
    checkPort("--legacy-port", legacyPort);
    return ServerConfig.builder()
        .dataDirectory(data)
        .publicHost(publicHost)
        .publicAddress(new InetSocketAddress(bind, port))
        .legacyPollingAddress(new InetSocketAddress(bind, legacyPort));
  }

  private static void checkPort(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + ": " + port + " (expected: 0 to 65535)");
    }
  }

  static void printBanner(PrintWriter out, CuttleServer server) {
    var info = server.info();
    out.println("Cuttle server " + info.version() + " is up.");
    out.println("  Web UI and API:   " + info.webUrl() + "/");
    out.println("  Polling (443-style, by SNI): " + info.pollingUrl());
    out.println("  Polling (legacy port):       " + server.legacyPollingPort());
    out.println("  Server thumbprint: " + info.thumbprint());
    out.println("  Admin API key:     in " + server.adminApiKeyFile() + " (owner-only)");
    out.flush();
  }
}
