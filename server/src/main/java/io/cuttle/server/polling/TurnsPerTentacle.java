package io.cuttle.server.polling;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts each tentacle's calls of one kind in progress on this node and holds it to a fixed number,
 * so that a tentacle firing calls all at once holds at most a few of the server's workers, database
 * connections or answers in memory, and the rest stay free for other tentacles and the web app.
 */
final class TurnsPerTentacle {
  private final int max;
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  TurnsPerTentacle(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: > 0)");
    }
    this.max = max;
  }

  int max() {
    return max;
  }

  /** One call's turn, to be ended once it is answered or has failed; ending twice ends it once. */
  interface Turn {
    void end();
  }

  /** A turn for one more call, or empty when the tentacle has {@link #max()} already. */
  Optional<Turn> tryEnter(String tentacleId) {
    boolean[] entered = new boolean[1];
    inFlight.compute(
        tentacleId,
        (id, count) -> {
          int current = count == null ? 0 : count;
          entered[0] = current < max;
          return entered[0] ? current + 1 : count;
        });
    if (!entered[0]) {
      return Optional.empty();
    }
    AtomicBoolean ended = new AtomicBoolean();
    return Optional.of(
        () -> {
          if (ended.compareAndSet(false, true)) {
            inFlight.computeIfPresent(tentacleId, (id, count) -> count == 1 ? null : count - 1);
          }
        });
  }
}
