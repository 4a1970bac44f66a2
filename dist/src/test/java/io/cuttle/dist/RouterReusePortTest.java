package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.testkit.ExternalProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code cuttle router} processes with {@code reusePort: true} on one address, as
 * docs/router.md suggests for more connections than one process's open-file limit allows: the
 * kernel gives each of them a share of the connections, and when one dies the other serves alone.
 */
@Timeout(120)
class RouterReusePortTest {
  private static final Pattern ACCEPTED =
      Pattern.compile("(?m)^cuttle_router_connections_accepted_total\\S* (\\S+)$");

  private static String yaml(int port, int adminPort, int backendPort) {
    // Plain text is "not TLS", so it takes the unparseable route: the echo needs no certificate.
    return """
        listen: 127.0.0.1:%d
        reusePort: true
        admin: 127.0.0.1:%d
        upstreams:
          echo: { endpoints: [127.0.0.1:%d] }
        routes:
          - { name: echo, default: true, unparseable: true, upstream: echo }
        """
        .formatted(port, adminPort, backendPort);
  }

  @Test
  void bothRoutersServeOnePortAndTheSurvivorServesAloneWhenOneDies(@TempDir Path dir)
      throws Exception {
    int port = TestFleet.freePort();
    int firstAdmin = TestFleet.freePort();
    int secondAdmin = TestFleet.freePort();
    try (LineEcho echo = new LineEcho();
        ExternalProcess first = router(dir, "first", port, firstAdmin, echo);
        ExternalProcess second = router(dir, "second", port, secondAdmin, echo)) {
      first.awaitListening(firstAdmin);
      second.awaitListening(secondAdmin);

      // The kernel picks a listener by hashing each connection's addresses, so some of a few
      // dozen connections reach each router.
      for (int i = 0; i < 200 && (accepted(firstAdmin) == 0 || accepted(secondAdmin) == 0); i++) {
        assertThat(exchange(port, "hello " + i)).isEqualTo("echo:hello " + i);
      }
      assertThat(accepted(firstAdmin)).as("the first router served").isPositive();
      assertThat(accepted(secondAdmin)).as("the second router served").isPositive();

      first.kill();
      long servedBefore = accepted(secondAdmin);
      for (int i = 0; i < 20; i++) {
        assertThat(exchange(port, "alone " + i)).isEqualTo("echo:alone " + i);
      }
      assertThat(accepted(secondAdmin)).isEqualTo(servedBefore + 20);
    }
  }

  private static ExternalProcess router(
      Path dir, String name, int port, int adminPort, LineEcho echo) throws IOException {
    Path config =
        Files.writeString(dir.resolve(name + ".yaml"), yaml(port, adminPort, echo.port()));
    return CuttleProcess.start(
        name + " router",
        dir.resolve(name + ".out"),
        "128m",
        "router",
        "--config",
        config.toString());
  }

  private static String exchange(int port, String line) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    }
  }

  private static long accepted(int adminPort) throws Exception {
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher matcher = ACCEPTED.matcher(metrics);
    assertThat(matcher.find()).as("accepted connections in:\n" + metrics).isTrue();
    return (long) Double.parseDouble(matcher.group(1));
  }

  /** Answers each connection's first line with {@code echo:} and that line, then closes it. */
  private static final class LineEcho implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread acceptor;

    LineEcho() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(this::serve, "line-echo");
      acceptor.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    private void serve() {
      while (!listener.isClosed()) {
        try (Socket socket = listener.accept()) {
          socket.setSoTimeout(10_000);
          String line =
              new BufferedReader(
                      new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                  .readLine();
          socket.getOutputStream().write(("echo:" + line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // Either the echo was closed (the loop ends) or one client broke: serve the next.
        }
      }
    }

    @Override
    public void close() throws Exception {
      listener.close();
      acceptor.join(5_000);
    }
  }
}
