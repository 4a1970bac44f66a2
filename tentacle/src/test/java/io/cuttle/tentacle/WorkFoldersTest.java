package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkFoldersTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private static Path folder(Path root, String name, Duration age) throws Exception {
    Path folder = Files.createDirectories(root.resolve(name));
    Files.writeString(folder.resolve("script.sh"), "echo");
    Files.setLastModifiedTime(folder, FileTime.from(NOW.minus(age)));
    return folder;
  }

  @Test
  void aSucceededCommandLeavesNothingAndAFailedOneKeepsItsFolder(@TempDir Path root)
      throws Exception {
    WorkFolders folders = new WorkFolders(root, clock);
    Path ok = folder(root, "C-ok", Duration.ZERO);
    Path failed = folder(root, "C-failed", Duration.ZERO);

    folders.finished("C-ok", true);
    folders.finished("C-failed", false);

    assertThat(ok).doesNotExist();
    assertThat(failed.resolve("script.sh")).exists();
  }

  @Test
  void keptFoldersGoAfterAWeekAndBeyondTheCapOldestFirst(@TempDir Path root) throws Exception {
    Path stale = folder(root, "C-stale", WorkFolders.KEEP_FAILED.plusHours(1));
    for (int i = 0; i < WorkFolders.MAX_KEPT; i++) {
      folder(root, "C-" + i, Duration.ofMinutes(i + 1));
    }
    Path newest = folder(root, "C-newest", Duration.ZERO);

    new WorkFolders(root, clock).sweep();

    assertThat(stale).doesNotExist();
    assertThat(newest).exists();
    assertThat(root.resolve("C-" + (WorkFolders.MAX_KEPT - 1)))
        .as("the oldest beyond the cap")
        .doesNotExist();
    try (var left = Files.list(root)) {
      assertThat(left.count()).isEqualTo(WorkFolders.MAX_KEPT);
    }
  }
}
