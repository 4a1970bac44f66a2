package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.TaskView;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
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

  /**
   * Follows {@code task} to its end, printing its log to the command's output and its progress to
   * its error stream; the command's exit code: 0 only if every target succeeded.
   */
  int toEnd(ApiClient api, TaskView task, CommandSpec spec) throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    return new TaskPrinter(api, out, spec.commandLine().getErr(), progressEvery()).follow(task)
        ? 0
        : 1;
  }
}
