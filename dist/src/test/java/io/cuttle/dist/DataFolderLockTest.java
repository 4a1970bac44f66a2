package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuttle.dist.CommandLineTest.Run;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server refuses a folder or a port another server holds, before it writes anything. */
class DataFolderLockTest {

  @Test
  void theLockOutlivesGarbageCollection(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    DataFolderLock.hold(data);

    // A channel nothing refers to is closed by its cleaner, and its lock released with it.
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
    }

    assertThatThrownBy(() -> DataFolderLock.hold(data))
        .hasMessageContaining("is in use by another cuttle server");
  }

  @Test
  void aSecondServerOnTheSameDataFolderIsRefusedNamingTheHolder(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    DataFolderLock.hold(data);

    Run run = cuttle("server", "--data", data.toString(), "--port", "0", "--legacy-port", "0");

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
  void aTakenPortIsRefusedBeforeTheDataFolderIsCreated(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

      Run run =
          cuttle(
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
