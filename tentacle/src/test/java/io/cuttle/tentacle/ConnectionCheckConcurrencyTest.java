package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.wire.api.CommsStyle;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cuttle tentacle check} runs its independent probes at once: the registration call beside
 * the path, and each server beside the others. Shown without timing: listeners that accept and
 * never answer hold every probe's connection open, so a probe that waited for another would not be
 * seen connecting while that one is still held. The report keeps the order of the servers and
 * leaves out the registration step of a path that failed.
 */
class ConnectionCheckConcurrencyTest {
  @TempDir Path base;

  @Test
  void theRegistrationCallStartsBesideThePathAndIsNotReportedWhenThePathFails() throws Exception {
    try (SilentListener polling = new SilentListener();
        SilentListener web = new SilentListener()) {
      TentacleHome home = registeredWith(List.of(link("web-01", web, polling)));

      CompletableFuture<List<ConnectionCheck.ServerCheck>> checks =
          CompletableFuture.supplyAsync(() -> run(home));

      // The path's TLS handshake and the registration call's. One after the other, the registration
      // call would wait for a path that never ends well, and never be made.
      await().atMost(Duration.ofSeconds(60)).until(() -> polling.accepted() >= 2);
      polling.close();

      List<CheckStep> steps = checks.get(2, TimeUnit.MINUTES).get(0).steps();
      assertThat(steps)
          .extracting(CheckStep::title)
          .containsExactly(
              "Name resolution of 127.0.0.1",
              "TCP connection to 127.0.0.1:" + polling.port(),
              "TLS handshake (server name 127.0.0.1)");
      assertThat(steps.get(2).passed()).isFalse();
    }
  }

  @Test
  void eachServerIsCheckedBesideTheOthersAndReportedInTheInstancesOrder() throws Exception {
    try (SilentListener first = new SilentListener();
        SilentListener second = new SilentListener();
        SilentListener web = new SilentListener()) {
      ServerLink one = link("first", web, first);
      ServerLink two = link("second", web, second);
      TentacleHome home = registeredWith(List.of(one, two));

      CompletableFuture<List<ConnectionCheck.ServerCheck>> checks =
          CompletableFuture.supplyAsync(() -> run(home));

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> first.accepted() >= 1 && second.accepted() >= 1);
      assertThat(first.anyClosed()).as("the first server's probes were still held").isFalse();
      second.close();
      first.close();

      assertThat(checks.get(2, TimeUnit.MINUTES))
          .extracting(ConnectionCheck.ServerCheck::serverUrl)
          .containsExactly(one.serverUrl(), two.serverUrl());
    }
  }

  private static List<ConnectionCheck.ServerCheck> run(TentacleHome home) {
    try {
      return ConnectionCheck.run(home, null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private TentacleHome registeredWith(List<ServerLink> servers) throws IOException {
    TentacleHome home = TentacleHome.of("web-01", base);
    ServerLink primary = servers.get(0);
    new TentacleConfig(
            TentacleConfig.FORMAT_VERSION,
            primary.name(),
            primary.tentacleId(),
            primary.serverUrl(),
            primary.pollingUrl(),
            primary.commsStyle(),
            primary.serverThumbprint(),
            primary.environment(),
            primary.roles(),
            primary.registeredAtMillis(),
            TentacleProxy.direct())
        .withAdditionalServers(servers.subList(1, servers.size()))
        .save(home);
    PemFiles.write(home.directory(), SelfSignedCertificates.create("web-01", List.of()));
    return home;
  }

  /** A server whose web URL and polling address are the given listeners (the web one by name). */
  private static ServerLink link(String tentacleId, SilentListener web, SilentListener polling) {
    return new ServerLink(
        "web-01",
        tentacleId,
        "https://localhost:" + web.port() + "/" + tentacleId,
        "https://127.0.0.1:" + polling.port(),
        CommsStyle.LEGACY_PORT,
        "AB".repeat(32),
        "Dev",
        List.of("web"),
        1L,
        null);
  }

  /** Accepts every connection on loopback and never says a word; knows which are still open. */
  private static final class SilentListener implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicBoolean anyClosed = new AtomicBoolean();

    SilentListener() throws IOException {
      Thread accepting = new Thread(this::accept, "silent listener " + server.getLocalPort());
      accepting.setDaemon(true);
      accepting.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      return accepted.get();
    }

    /** Whether a client gave up on a connection here (closed it, or timed out and closed). */
    boolean anyClosed() {
      return anyClosed.get();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          open.add(socket);
          accepted.incrementAndGet();
          Thread reading = new Thread(() -> readUntilClosed(socket), "silent reader");
          reading.setDaemon(true);
          reading.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void readUntilClosed(Socket socket) {
      try (InputStream in = socket.getInputStream()) {
        while (in.read() >= 0) {
          // Swallow what the client says (its ClientHello); answer nothing.
        }
      } catch (IOException e) {
        // Closed by either side.
      }
      if (open.remove(socket) && !server.isClosed()) {
        anyClosed.set(true);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : open) {
        socket.close();
      }
    }
  }
}
