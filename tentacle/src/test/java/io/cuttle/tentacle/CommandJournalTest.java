package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cuttle.wire.polling.v1.ResultReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandJournalTest {

  @Test
  void aCommandStartsOnceEvenAcrossRestarts(@TempDir Path dir) throws Exception {
    assertThat(new CommandJournal(dir).start("C-1")).isTrue();

    CommandJournal afterRestart = new CommandJournal(dir);

    assertThat(afterRestart.start("C-1")).isFalse();
  }

  @Test
  void aRestartTurnsCommandsCutShortIntoFailuresAndKeepsUnconfirmedResults(@TempDir Path dir)
      throws Exception {
    CommandJournal journal = new CommandJournal(dir);
    journal.start("C-cut");
    journal.start("C-done");
    ResultReport done =
        ResultReport.newBuilder()
            .setCommandId("C-done")
            .setOutcome(ResultReport.Outcome.COMPLETED)
            .build();
    journal.finish(done);
    journal.start("C-confirmed");
    journal.finish(done.toBuilder().setCommandId("C-confirmed").build());
    journal.reported("C-confirmed");

    var recovered = new CommandJournal(dir).recover("T-1");

    assertThat(recovered)
        .extracting(ResultReport::getCommandId)
        .containsExactlyInAnyOrder("C-cut", "C-done");
    ResultReport cut =
        recovered.stream().filter(r -> r.getCommandId().equals("C-cut")).findFirst().orElseThrow();
    assertThat(cut.getOutcome()).isEqualTo(ResultReport.Outcome.FAILED);
    assertThat(cut.getMessage()).startsWith("result unknown: the tentacle restarted");
    assertThat(cut.getTentacleId()).isEqualTo("T-1");
    assertThat(new CommandJournal(dir).result("C-cut")).contains(cut);
  }

  @Test
  void anAbandonedStartCanStartAgain(@TempDir Path dir) throws Exception {
    CommandJournal journal = new CommandJournal(dir);
    journal.start("C-1");
    journal.abandon("C-1");

    assertThat(journal.start("C-1")).isTrue();
  }

  @Test
  void aHostileCommandIdCannotNameAPathOutsideTheJournal(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> new CommandJournal(dir.resolve("j")).start("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("command id");
  }
}
