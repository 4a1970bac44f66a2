package io.cuttle.tentacle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cleanup policy for commands' working folders ({@code work/<command id>/}): a command that
 * succeeded leaves nothing behind; one that failed, timed out or was cancelled keeps its folder for
 * someone to look at, for {@link #KEEP_FAILED} and at most {@link #MAX_KEPT} of them, oldest
 * removed first. Swept at start and after every command, so a tentacle left alone for years does
 * not fill its disk.
 */
final class WorkFolders {
  static final Duration KEEP_FAILED = Duration.ofDays(7);
  static final int MAX_KEPT = 50;
  private static final Logger log = LoggerFactory.getLogger(WorkFolders.class);

  private final Path root;
  private final Clock clock;

  WorkFolders(Path root, Clock clock) {
    this.root = root;
    this.clock = clock;
  }

  /** Applies the policy to the command that just ended, then to every folder kept before. */
  void finished(String commandId, boolean succeeded) {
    if (succeeded) {
      delete(root.resolve(commandId));
    }
    sweep();
  }

  void sweep() {
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> kept;
    try (Stream<Path> folders = Files.list(root)) {
      kept =
          folders
              .filter(Files::isDirectory)
              .sorted(Comparator.comparing(WorkFolders::modified).reversed())
              .toList();
    } catch (IOException e) {
      log.warn("Cannot list {} to clean it up: {}", root, e.toString());
      return;
    }
    FileTime oldest = FileTime.from(clock.instant().minus(KEEP_FAILED));
    for (int i = 0; i < kept.size(); i++) {
      Path folder = kept.get(i);
      if (i >= MAX_KEPT || modified(folder).compareTo(oldest) < 0) {
        delete(folder);
      }
    }
  }

  private static FileTime modified(Path folder) {
    try {
      return Files.getLastModifiedTime(folder);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static void delete(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      log.warn("Cannot remove the working folder {}: {}", folder, e.toString());
    }
  }
}
