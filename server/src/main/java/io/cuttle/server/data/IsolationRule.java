package io.cuttle.server.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which queued command a tentacle may be handed next, given what it already runs: a command that
 * does not allow concurrency runs alone, and two commands naming one mutex never run together.
 *
 * <p>Commands are considered oldest first. A younger command may overtake an older one that has to
 * wait only if the two could run together; otherwise a stream of small concurrent commands could
 * keep an exclusive one waiting forever, and a mutex would stop meaning "in queue order".
 */
final class IsolationRule {
  private IsolationRule() {}

  /** A command as the rule sees it. */
  record Slot(String id, boolean allowConcurrency, String mutex) {
    boolean canRunBeside(Slot other) {
      return allowConcurrency
          && other.allowConcurrency
          && (mutex == null || !Objects.equals(mutex, other.mutex));
    }
  }

  /**
   * The first of {@code candidates} (oldest first) that fits beside {@code active} and beside every
   * older candidate still waiting. A candidate also in {@code active} (a redelivery) is not
   * compared with itself.
   */
  static Optional<Slot> pick(List<Slot> active, List<Slot> candidates) {
    List<Slot> waiting = new ArrayList<>();
    for (Slot candidate : candidates) {
      boolean fits =
          active.stream()
                  .filter(a -> !a.id().equals(candidate.id()))
                  .allMatch(candidate::canRunBeside)
              && waiting.stream().allMatch(candidate::canRunBeside);
      if (fits) {
        return Optional.of(candidate);
      }
      waiting.add(candidate);
    }
    return Optional.empty();
  }
}
