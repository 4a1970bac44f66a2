package io.cuttle.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.dist.TestFleet;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A script for fault scenarios that proves what happened to it: it notes each run in a file of its
 * own and prints numbered lines, so a run twice, a lost or repeated line, or lines out of order all
 * show.
 */
record ExactlyOnce(String name, Path runs, int lines, String pace) {

  /** A script called {@code name} printing {@code lines} lines, sleeping {@code pace} between. */
  static ExactlyOnce script(Path directory, String name, int lines, String pace) {
    return new ExactlyOnce(name, directory.resolve(name + ".runs"), lines, pace);
  }

  String source() {
    return String.join(
        "\n",
        "echo run >> '" + runs + "'",
        "for i in $(seq 1 "
            + lines
            + "); do echo \""
            + name
            + " line $i\"; sleep "
            + pace
            + "; done");
  }

  List<String> expectedLines() {
    return IntStream.rangeClosed(1, lines).mapToObj(i -> name + " line " + i).toList();
  }

  /**
   * Follows the task to its end and checks the script ran once, succeeded once, and every line
   * arrived once and in order.
   */
  void assertRanOnce(TestFleet fleet, String taskId) throws InterruptedException, IOException {
    List<LogEntry> log = fleet.follow(taskId);
    assertThat(log).extracting(LogEntry::text).containsExactlyElementsOf(expectedLines());
    TaskView task = fleet.task(taskId);
    assertThat(task.targets()).hasSize(1);
    assertThat(task.targets().get(0).state()).isEqualTo(CommandState.SUCCEEDED);
    assertThat(Files.readAllLines(runs)).as("times the script ran").containsExactly("run");
  }

  /** Lines of the task's log the server has stored so far. */
  static int linesStored(TestFleet fleet, String taskId) {
    try (var api = fleet.api()) {
      return api.log(taskId, 0L).lines().size();
    }
  }
}
