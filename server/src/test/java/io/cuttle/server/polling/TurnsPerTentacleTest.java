package io.cuttle.server.polling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressReportsInFlightTest {
  private final ProgressReportsInFlight inFlight = new ProgressReportsInFlight();

  @Test
  void aTentacleGetsAtMostItsShareOfTurnsAndEachEndedTurnFreesOne() {
    List<ProgressReportsInFlight.Turn> turns = new ArrayList<>();
    for (int i = 0; i < ProgressReportsInFlight.MAX_PER_TENTACLE; i++) {
      turns.add(inFlight.tryEnter("T-flood").orElseThrow());
    }

    assertThat(inFlight.tryEnter("T-flood")).as("one more than its share").isEmpty();
    assertThat(inFlight.tryEnter("T-other")).as("another tentacle's turn").isPresent();

    turns.remove(0).end();
    Optional<ProgressReportsInFlight.Turn> again = inFlight.tryEnter("T-flood");
    assertThat(again).isPresent();
    assertThat(inFlight.tryEnter("T-flood")).isEmpty();

    again.get().end();
    turns.forEach(ProgressReportsInFlight.Turn::end);
    for (int i = 0; i < ProgressReportsInFlight.MAX_PER_TENTACLE; i++) {
      assertThat(inFlight.tryEnter("T-flood")).as("turn %d after all ended", i).isPresent();
    }
  }
}
