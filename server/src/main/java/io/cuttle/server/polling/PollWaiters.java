package io.cuttle.server.polling;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the long polls of a tentacle when a command is queued for it. Only a hint: a poll that
 * misses a wake-up still finds the command in the database on its next attempt.
 */
public final class PollWaiters {
  private final ConcurrentHashMap<String, Set<Runnable>> waiting = new ConcurrentHashMap<>();

  /** Registers {@code wakeUp} until the returned handle is closed. */
  public AutoCloseable await(String tentacleId, Runnable wakeUp) {
    waiting.computeIfAbsent(tentacleId, id -> ConcurrentHashMap.newKeySet()).add(wakeUp);
    return () ->
        waiting.computeIfPresent(
            tentacleId,
            (id, set) -> {
              set.remove(wakeUp);
              return set.isEmpty() ? null : set;
            });
  }

  public void signal(String tentacleId) {
    Set<Runnable> set = waiting.get(tentacleId);
    if (set != null) {
      set.forEach(Runnable::run);
    }
  }

  /** Tentacles with a poll open on this node right now. */
  public boolean isWaiting(String tentacleId) {
    return waiting.containsKey(tentacleId);
  }
}
