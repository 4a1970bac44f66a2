package io.cuttle.server.polling;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Wakes the long polls of a tentacle when a command is queued for it. Only a hint: a poll that
 * misses a wake-up still finds the command in the database on its next attempt.
 *
 * <p>Polls are held on whichever node the tentacle reached, so a signal is also handed to {@code
 * otherNodes}, which carries it to the polls held elsewhere (nothing to do on a single node).
 */
public final class PollWaiters {
  private final ConcurrentHashMap<String, Set<Runnable>> waiting = new ConcurrentHashMap<>();
  private final Consumer<String> otherNodes;

  /** For a server that is the only node. */
  public PollWaiters() {
    this(tentacleId -> {});
  }

  public PollWaiters(Consumer<String> otherNodes) {
    this.otherNodes = otherNodes;
  }

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

  /** Wakes the tentacle's polls on this node and on every other. */
  public void signal(String tentacleId) {
    wakeHere(tentacleId);
    otherNodes.accept(tentacleId);
  }

  /** Wakes the tentacle's polls held on this node only (another node asked for it). */
  public void wakeHere(String tentacleId) {
    Set<Runnable> set = waiting.get(tentacleId);
    if (set != null) {
      set.forEach(Runnable::run);
    }
  }

  /** Makes every poll held on this node look again, after wake-ups may have been missed. */
  public void wakeAllHere() {
    waiting.values().forEach(set -> set.forEach(Runnable::run));
  }

  /** Tentacles with a poll open on this node right now. */
  public boolean isWaiting(String tentacleId) {
    return waiting.containsKey(tentacleId);
  }
}
