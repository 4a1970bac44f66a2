package io.cuttle.server.polling;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Wakes the long polls of a tentacle when a command is queued for it. Only a hint: a poll that
 * misses a wake-up still finds the command in the database on its next attempt.
 *
 * <p>Polls are held on whichever node the tentacle reached, so a signal is also handed to {@code
 * otherNodes}, which carries it to the polls held elsewhere (nothing to do on a single node).
 */
public final class PollWaiters {
  private record Waiter(Runnable wakeUp, Runnable revoked) {}

  private final ConcurrentHashMap<String, Set<Waiter>> waiting = new ConcurrentHashMap<>();
  private final Consumer<String> otherNodes;
  private final List<Consumer<String>> onRevoke = new CopyOnWriteArrayList<>();

  /** For a server that is the only node. */
  public PollWaiters() {
    this(tentacleId -> {});
  }

  public PollWaiters(Consumer<String> otherNodes) {
    this.otherNodes = otherNodes;
  }

  /**
   * Registers a held poll until the returned handle is closed, unless the tentacle already holds
   * {@code limit} polls here: {@code wakeUp} runs when a command is queued for the tentacle, {@code
   * revoked} when its trust is withdrawn.
   *
   * @return the handle, or empty when the limit is reached and nothing was registered
   */
  public Optional<AutoCloseable> tryAwait(
      String tentacleId, int limit, Runnable wakeUp, Runnable revoked) {
    Waiter waiter = new Waiter(wakeUp, revoked);
    boolean[] added = new boolean[1];
    waiting.compute(
        tentacleId,
        (id, set) -> {
          Set<Waiter> held = set != null ? set : ConcurrentHashMap.newKeySet();
          if (held.size() < limit) {
            added[0] = held.add(waiter);
          }
          return held.isEmpty() ? null : held;
        });
    if (!added[0]) {
      return Optional.empty();
    }
    return Optional.of(
        () ->
            waiting.computeIfPresent(
                tentacleId,
                (id, set) -> {
                  set.remove(waiter);
                  return set.isEmpty() ? null : set;
                }));
  }

  /** Wakes the tentacle's polls on this node and on every other. */
  public void signal(String tentacleId) {
    wakeHere(tentacleId);
    otherNodes.accept(tentacleId);
  }

  /** Wakes the tentacle's polls held on this node only (another node asked for it). */
  public void wakeHere(String tentacleId) {
    waitersOf(tentacleId).forEach(w -> w.wakeUp().run());
  }

  /**
   * Ends the tentacle's held polls on this node at once, for a tentacle no longer trusted: its next
   * call is refused by the authenticator, so it must not keep a poll open until the wait runs out.
   */
  public void revoke(String tentacleId) {
    waitersOf(tentacleId).forEach(w -> w.revoked().run());
    onRevoke.forEach(listener -> listener.accept(tentacleId));
  }

  /**
   * Runs {@code listener} with the tentacle's id each time a tentacle's trust is withdrawn on this
   * node, for what else must end with it (the polling listener's connections of that tentacle).
   */
  void whenRevoked(Consumer<String> listener) {
    onRevoke.add(listener);
  }

  private Set<Waiter> waitersOf(String tentacleId) {
    return waiting.getOrDefault(tentacleId, Set.of());
  }

  /** Makes every poll held on this node look again, after wake-ups may have been missed. */
  public void wakeAllHere() {
    waiting.values().forEach(set -> set.forEach(w -> w.wakeUp().run()));
  }

  /** How many tentacles hold a poll on this node now. */
  public int tentaclesWaiting() {
    return waiting.size();
  }

  /** How many polls are held on this node now, several per tentacle that runs several commands. */
  public int heldPolls() {
    return waiting.values().stream().mapToInt(Set::size).sum();
  }

  /** Tentacles with a poll open on this node right now. */
  public boolean isWaiting(String tentacleId) {
    return waiting.containsKey(tentacleId);
  }
}
