package io.cuttle.dist;

import io.cuttle.common.io.AtomicFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One server per data folder, held for the life of the process. A second server on the same folder
 * used to get as far as the embedded database and die with a page of H2 and Hikari errors; now it
 * is refused before it touches anything, naming the process that holds the folder.
 */
final class DataFolderLock {
  static final String FILE_NAME = "server.lock";

  /**
   * The channels of the locks held, kept reachable: a channel nothing refers to is closed when the
   * garbage collector finds it, and its lock goes with it, so a second server could start on the
   * same folder an unpredictable while after the first.
   */
  private static final List<FileChannel> HELD = new CopyOnWriteArrayList<>();

  private DataFolderLock() {}

  /**
   * Takes the folder's lock (creating the folder if needed) and keeps it until the process exits.
   */
  static void hold(Path data) throws IOException {
    AtomicFiles.createPrivateDirectories(data);
    Path file = data.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      AtomicFiles.writePrivate(file, new byte[0]);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldInThisProcess) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException(
          "the data folder "
              + data.toAbsolutePath()
              + " is in use by another cuttle server ("
              + holder(file)
              + "); stop it, or give this one its own folder with --data");
    }
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap(
            (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
    channel.force(false);
    // The channel stays open on purpose: the lock goes when the process does.
    HELD.add(channel);
  }

  private static String holder(Path file) {
    try {
      String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return pid.isEmpty() ? "pid unknown" : "pid " + pid;
    } catch (IOException e) {
      return "pid unknown";
    }
  }

  /**
   * Refuses a port that another process already listens on before anything is written: the server
   * used to create its keys and admin key first and fail 13 s later.
   */
  static void requireFree(String option, InetSocketAddress address) {
    if (address == null || address.getPort() == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(address);
    } catch (IOException e) {
      throw new IllegalStateException(
          option
              + " "
              + address.getPort()
              + ": the port is in use by another program (is a cuttle server already running?);"
              + " stop it or choose another port");
    }
  }
}
