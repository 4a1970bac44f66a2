package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.testkit.ExternalProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server refuses a folder or a port another server holds, before it writes anything. The server
 * runs in a JVM of its own, as it would: the lock is another process's, and a server that wrongly
 * started is stopped instead of holding the test for ever.
 */
class DataFolderLockTest {
  record Run(int exitCode, String err) {}

  private static Run server(Path dir, String... args) throws Exception {
    try (ExternalProcess server =
        CuttleProcess.start("second server", dir.resolve("server.out"), "128m", args)) {
      int exitCode = server.awaitExit(Duration.ofSeconds(60));
      return new Run(exitCode, server.output());
    }
  }

  /** A server on {@code data} with free ports, which only the folder's lock can stop. */
  private static Run secondServerOn(Path dir, Path data) throws Exception {
    return server(
        dir,
        "server",
        "--data",
        data.toString(),
        "--port",
        "0",
        "--legacy-port",
        "0",
        "--admin-address",
        "127.0.0.1:0");
  }

  @Test
  void aSecondServerOnTheSameDataFolderIsRefusedNamingTheHolder(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    DataFolderLock.hold(data);
    // A collection must not close the held channel and drop the lock with it (it once did: the
    // channel was unreachable once hold returned).
    System.gc();

    Run run = secondServerOn(dir, data);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "the data folder "
                + data.toAbsolutePath()
                + " is in use by another cuttle server (pid "
                + ProcessHandle.current().pid()
                + ")")
        .doesNotContain("unexpected failure");
    try (var files = Files.list(data)) {
      assertThat(files).containsExactly(data.resolve(DataFolderLock.FILE_NAME));
    }
  }

  @Test
  void theFolderStaysLockedAfterTheServerCollectsItsGarbage(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (ExternalProcess first =
        CuttleProcess.start(
            "first server",
            dir.resolve("first.out"),
            "256m",
            "server",
            "--data",
            data.toString(),
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--legacy-port",
            "0",
            "--admin-address",
            "127.0.0.1:0")) {
      await("the first server's banner")
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> {
                assertThat(first.isAlive()).as(first.output()).isTrue();
                return first.output().contains("is up");
              });
      // A lock whose channel nothing referred to was dropped by the JDK's cleaner after a GC.
      collectGarbage(first.pid());

      Run run = secondServerOn(dir, data);

      assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
      assertThat(run.err())
          .contains("is in use by another cuttle server (pid " + first.pid() + ")");
      assertThat(first.isAlive()).isTrue();
    }
  }

  private static void collectGarbage(long pid) throws Exception {
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid),
                "GC.run")
            .redirectErrorStream(true)
            .start();
    String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(jcmd.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(jcmd.exitValue()).as(said).isZero();
  }

  @Test
  void aTakenPortIsRefusedBeforeTheDataFolderIsCreated(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

      Run run =
          server(
              dir,
              "server",
              "--data",
              data.toString(),
              "--bind",
              "127.0.0.1",
              "--port",
              String.valueOf(taken.getLocalPort()),
              "--legacy-port",
              "0");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .contains("--port " + taken.getLocalPort() + ": the port is in use by another program");
    }
    assertThat(data).doesNotExist();
  }
}
