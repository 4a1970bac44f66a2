package io.cuttle.server.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * What an operator copies between nodes' data directories, done as docs/high-availability.md says.
 */
public final class NodeFiles {
  private NodeFiles() {}

  /** The first node's server identity and secrets key, into a node's data directory. */
  public static void copyIdentity(Path fromData, Path toData) throws IOException {
    copyDirectory(fromData.resolve("identity"), toData.resolve("identity"));
    Files.createDirectories(toData);
    Files.copy(
        fromData.resolve(Secrets.FILE),
        toData.resolve(Secrets.FILE),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Copies a folder's files over another's, making it when missing. */
  public static void copyDirectory(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
