package io.cuttle.common.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a reader sees either the old content or the new, never a torn mix: the bytes
 * go to a temporary file in the same directory, are forced to disk, then renamed over the target.
 * Secrets are created owner-only from the start, not chmod-ed after the fact.
 */
public final class AtomicFiles {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private AtomicFiles() {}

  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, false);
  }

  /** Writes a file only its owner may read, such as a private key or an API key. */
  public static void writePrivate(Path target, byte[] content) throws IOException {
    write(target, content, true);
  }

  /** Creates a directory (and missing parents) that only its owner may enter. */
  public static void createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    if (POSIX) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
    } else {
      Files.createDirectories(directory);
    }
  }

  private static void write(Path target, byte[] content, boolean ownerOnly) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    Files.createDirectories(directory);
    Path temp =
        POSIX
            ? Files.createTempFile(
                directory,
                "." + absolute.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(
                    ownerOnly ? OWNER_FILE : defaultFilePermissions()))
            : Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(content));
      }
      moveIntoPlace(temp, absolute);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Makes {@code finished}, a file written elsewhere in the same directory tree (say, streamed
   * there because it is too big to hold), the content of {@code target} in one step: it is forced
   * to disk, then renamed over the target.
   */
  public static void moveIntoPlace(Path finished, Path target) throws IOException {
    try (FileChannel channel = FileChannel.open(finished, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    try {
      Files.move(
          finished, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(finished, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static Set<PosixFilePermission> defaultFilePermissions() {
    return PosixFilePermissions.fromString("rw-r--r--");
  }
}
