package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script printing bytes that are not UTF-8 has them stored and shown as replacement characters
 * (U+FFFD), and the lines around them, and the batch they travel in, arrive intact.
 */
@Timeout(120)
class NonUtf8OutputTest {

  @Test
  void invalidBytesBecomeReplacementCharactersAndNothingElseIsLost(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      fleet.start(fleet.register("alpha", true));

      TaskView task =
          fleet.runScript(
              "echo before; printf 'caf\\xe9 ok\\n'; printf '\\xff\\xfe\\n' >&2; echo after",
              List.of("alpha"),
              30L);
      List<LogEntry> log = fleet.follow(task.id());

      assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(log)
          .extracting(LogEntry::text)
          .containsSubsequence("before", "caf\uFFFD ok", "after")
          .contains("\uFFFD\uFFFD");
    }
  }
}
