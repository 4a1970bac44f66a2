package io.cuttle.server.data;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from Debian's {@code postgresql} package, run by the test in a temp
 * folder on a free loopback port, stopped afterwards. PostgreSQL refuses to run as root, so under
 * root (as in CI) it runs as the package's {@code postgres} user.
 */
public final class TestPostgres implements AutoCloseable {
  private final Path data;
  private final int port;
  private final Process server;

  private TestPostgres(Path data, int port, Process server) {
    this.data = data;
    this.port = port;
    this.server = server;
  }

  public static TestPostgres start(Path folder) throws Exception {
    Path bin = binaries();
    Path data = folder.resolve("pgdata");
    Files.createDirectories(data);
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      run(List.of("chown", "-R", "postgres:postgres", folder.toString()));
    }
    run(
        asServerUser(
            root,
            List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                "cuttle",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync")));
    // The free port found here can be taken by another program before PostgreSQL binds it.
    for (int attempt = 1; ; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      Path log = folder.resolve("postgres.log");
      Process server =
          new ProcessBuilder(
                  asServerUser(
                      root,
                      List.of(
                          bin.resolve("postgres").toString(),
                          "-D",
                          data.toString(),
                          "-p",
                          String.valueOf(port),
                          "-k",
                          data.toString(),
                          "-c",
                          "listen_addresses=127.0.0.1",
                          "-c",
                          "fsync=off")))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      TestPostgres postgres = new TestPostgres(data, port, server);
      try {
        postgres.awaitReady(log);
        return postgres;
      } catch (IllegalStateException e) {
        postgres.close();
        if (attempt == 3 || !Files.readString(log).contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public String user() {
    return "cuttle";
  }

  /** Drops everything, so each test starts from an empty database. */
  public void reset() throws SQLException {
    try (var connection = DriverManager.getConnection(jdbcUrl(), user(), "");
        var statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA public CASCADE");
      statement.execute("CREATE SCHEMA public");
    }
  }

  private void awaitReady(Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (var connection = DriverManager.getConnection(jdbcUrl(), user(), "")) {
        return;
      } catch (SQLException e) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("PostgreSQL did not start: " + Files.readString(log), e);
        }
        Thread.sleep(100);
      }
    }
  }

  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        var newest =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max(Comparator.naturalOrder());
        if (newest.isPresent()) {
          return newest.get();
        }
      }
    }
    throw new IllegalStateException(
        "PostgreSQL server binaries not found under /usr/lib/postgresql: install Debian's"
            + " 'postgresql' package (.ci/run does) to run the PostgreSQL tests");
  }

  private static List<String> asServerUser(boolean root, List<String> command) {
    if (!root) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }

  @Override
  public void close() throws Exception {
    server.destroy(); // SIGTERM: a smart shutdown
    if (!server.waitFor(20, TimeUnit.SECONDS)) {
      server.destroyForcibly().waitFor();
    }
  }
}
