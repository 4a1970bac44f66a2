package io.cuttle.dist;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real HTTP CONNECT proxy (Debian's tinyproxy) on a loopback port, for tests that must show
 * traffic went through a proxy a customer might run. Its log lists every CONNECT it was asked for.
 */
final class Tinyproxy implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;
  private final Path output;

  private Tinyproxy(Process process, int port, Path log, Path output) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.output = output;
  }

  /**
   * Starts tinyproxy allowing CONNECT to {@code connectPorts} only, asking for {@code user} and
   * {@code password} when they are not null.
   */
  static Tinyproxy start(Path directory, List<Integer> connectPorts, String user, String password)
      throws Exception {
    Path binary =
        executable()
            .orElseGet(
                () ->
                    fail(
                        "tinyproxy is not installed: the proxy tests run a real HTTP proxy."
                            + " .ci/run installs it (apt-get install tinyproxy)"));
    Files.createDirectories(directory);
    int port = TestFleet.freePort();
    Path log = directory.resolve("tinyproxy.log");
    List<String> conf = new ArrayList<>();
    conf.add("Port " + port);
    conf.add("Listen 127.0.0.1");
    conf.add("Allow 127.0.0.1");
    conf.add("Timeout 120");
    conf.add("MaxClients 50");
    conf.add("LogLevel Connect"); // the level that logs each request line, CONNECTs included
    conf.add("LogFile \"" + log + "\"");
    connectPorts.forEach(p -> conf.add("ConnectPort " + p));
    if (user != null) {
      conf.add("BasicAuth " + user + " " + password);
    }
    Path confFile = directory.resolve("tinyproxy.conf");
    Files.write(confFile, conf);
    Path output = directory.resolve("tinyproxy.out");
    Process process =
        new ProcessBuilder(binary.toString(), "-d", "-c", confFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    Tinyproxy proxy = new Tinyproxy(process, port, log, output);
    proxy.awaitListening();
    return proxy;
  }

  private static Optional<Path> executable() {
    List<String> folders = new ArrayList<>(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin"));
    String path = System.getenv("PATH");
    if (path != null) {
      folders.addAll(List.of(path.split(File.pathSeparator)));
    }
    return folders.stream()
        .map(folder -> Path.of(folder, "tinyproxy"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("tinyproxy exited at start: " + Files.readString(output));
      }
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    close();
    fail("tinyproxy did not listen on port " + port + " within 15 s: " + Files.readString(output));
  }

  /** {@code http://127.0.0.1:port}. */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** The targets of the CONNECT requests it received, such as {@code localhost:8443}, in order. */
  List<String> connects() throws IOException {
    if (!Files.exists(log)) {
      return List.of();
    }
    try (Stream<String> lines = Files.lines(log)) {
      return lines
          .filter(l -> l.contains("): CONNECT "))
          .map(l -> l.substring(l.indexOf("): CONNECT ") + 11).split(" ")[0])
          .toList();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
