package io.cuttle.server.polling;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.server.polling.ConnectedTentacles.Door;
import org.junit.jupiter.api.Test;

/** Tentacles, not polls, are counted per door, and a poll ending twice counts once. */
class ConnectedTentaclesTest {
  private final ConnectedTentacles connected = new ConnectedTentacles();

  @Test
  void aTentacleWithSeveralPollsIsOneTentacleUntilItsLastPollEnds() {
    Runnable first = connected.holding("T-1", Door.BUILTIN_ROUTER);
    Runnable second = connected.holding("T-1", Door.BUILTIN_ROUTER);
    Runnable other = connected.holding("T-2", Door.LEGACY);

    assertThat(connected.connected(Door.BUILTIN_ROUTER)).isEqualTo(1);
    assertThat(connected.connected(Door.LEGACY)).isEqualTo(1);
    assertThat(connected.connected(Door.EXTERNAL_ROUTER)).isZero();

    first.run();
    first.run(); // a poll's end may be reported twice (revoked while it started)
    assertThat(connected.connected(Door.BUILTIN_ROUTER)).isEqualTo(1);

    second.run();
    other.run();
    assertThat(connected.connected(Door.BUILTIN_ROUTER)).isZero();
    assertThat(connected.connected(Door.LEGACY)).isZero();
  }
}
