package io.cuttle.server.polling;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts each tentacle's output batches being stored on this node, so that a tentacle firing
 * batches all at once holds at most a few of the server's workers and database connections, and the
 * rest stay free for other tentacles' polls and for the web app.
 */
final class ProgressReportsInFlight {
  /**
   * A tentacle sends one batch at a time per running command, so only one running several commands
   * at once comes near it; a batch refused is sent again after a pause. Well under the server's 16
   * workers and 10 database connections.
   */
  static final int MAX_PER_TENTACLE = 4;

  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  /** One batch's turn, to be ended once the batch is stored or has failed. */
  interface Turn {
    void end();
  }

  /**
   * A turn for one more batch, or empty when the tentacle has {@link #MAX_PER_TENTACLE} already.
   */
  Optional<Turn> tryEnter(String tentacleId) {
    boolean[] entered = new boolean[1];
    inFlight.compute(
        tentacleId,
        (id, count) -> {
          int current = count == null ? 0 : count;
          entered[0] = current < MAX_PER_TENTACLE;
          return entered[0] ? current + 1 : count;
        });
    if (!entered[0]) {
      return Optional.empty();
    }
    return Optional.of(
        () -> inFlight.computeIfPresent(tentacleId, (id, count) -> count == 1 ? null : count - 1));
  }
}
