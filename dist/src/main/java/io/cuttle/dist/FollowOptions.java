package io.cuttle.dist;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How a command that follows a task to its end reports while nothing happens. */
final class FollowOptions {
  static final Duration DEFAULT_PROGRESS_EVERY = Duration.ofSeconds(30);

  @Option(
      names = "--progress-every",
      paramLabel = "SECONDS",
      description =
          "While no output arrives, say this often which targets the task still waits for"
              + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "30")
  long progressEverySeconds;

  Duration progressEvery() {
    if (progressEverySeconds < 1) {
      throw new IllegalArgumentException(
          "--progress-every: " + progressEverySeconds + " (expected: 1 or more seconds)");
    }
    return Duration.ofSeconds(progressEverySeconds);
  }
}
