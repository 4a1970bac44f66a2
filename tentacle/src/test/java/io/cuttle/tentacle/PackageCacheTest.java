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

/** The cache forgets what is no longer used, so a tentacle left alone does not fill its disk. */
class PackageCacheTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void packagesUnusedForAMonthAndPartialDownloadsUntouchedForAWeekAreRemoved(@TempDir Path dir)
      throws Exception {
    Path recent = file(dir.resolve("a".repeat(64)), NOW.minus(Duration.ofDays(29)));
    Path stale = file(dir.resolve("b".repeat(64)), NOW.minus(Duration.ofDays(31)));
    Path freshPart = file(dir.resolve("partial/" + "c".repeat(64)), NOW.minus(Duration.ofDays(6)));
    Path stalePart = file(dir.resolve("partial/" + "d".repeat(64)), NOW.minus(Duration.ofDays(8)));
    PackageCache cache =
        new PackageCache(
            dir,
            "T-1",
            request -> {
              throw new AssertionError("a sweep fetches nothing");
            },
            Duration.ofMillis(1),
            Clock.fixed(NOW, ZoneOffset.UTC));

    cache.sweep();

    assertThat(recent).exists();
    assertThat(stale).doesNotExist();
    assertThat(freshPart).exists();
    assertThat(stalePart).doesNotExist();
  }

  private static Path file(Path path, Instant modified) throws Exception {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "bytes");
    Files.setLastModifiedTime(path, FileTime.from(modified));
    return path;
  }
}
