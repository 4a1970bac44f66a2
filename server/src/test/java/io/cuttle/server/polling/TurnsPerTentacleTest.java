package io.cuttle.server.polling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TurnsPerTentacleTest {
  private static final int MAX = 4;
  private final TurnsPerTentacle inFlight = new TurnsPerTentacle(MAX);

  @Test
  void aTentacleGetsAtMostItsShareOfTurnsAndEachEndedTurnFreesOne() {
    List<TurnsPerTentacle.Turn> turns = new ArrayList<>();
    for (int i = 0; i < MAX; i++) {
      turns.add(inFlight.tryEnter("T-flood").orElseThrow());
    }

    assertThat(inFlight.tryEnter("T-flood")).as("one more than its share").isEmpty();
    assertThat(inFlight.tryEnter("T-other")).as("another tentacle's turn").isPresent();

    TurnsPerTentacle.Turn first = turns.remove(0);
    first.end();
    first.end();
    Optional<TurnsPerTentacle.Turn> again = inFlight.tryEnter("T-flood");
    assertThat(again).isPresent();
    assertThat(inFlight.tryEnter("T-flood")).as("a turn ended twice frees one").isEmpty();

    again.get().end();
    turns.forEach(TurnsPerTentacle.Turn::end);
    for (int i = 0; i < MAX; i++) {
      assertThat(inFlight.tryEnter("T-flood")).as("turn %d after all ended", i).isPresent();
    }
  }
}
