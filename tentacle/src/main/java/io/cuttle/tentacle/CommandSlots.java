package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.Isolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How many commands this tentacle may still take, and which may start now.
 *
 * <p>A slot is <em>promised</em> to one open poll at a time ({@link #promise}), so that the polls'
 * answers together never bring more commands than the tentacle allows itself. A promised slot that
 * brings a command is <em>held</em> until the command has ended and been reported.
 *
 * <p>The server hands out only commands whose isolation fits what runs here; {@link #begin} checks
 * again before a script starts, so a server that got it wrong (or an older one) can delay a script
 * but never run two conflicting ones at once.
 */
final class CommandSlots {
  private final int capacity;
  private final Runnable onFreed;
  private int promised;
  private int held;
  private final List<Running> running = new ArrayList<>();

  private record Running(String commandId, Isolation isolation) {}

  /**
   * @param onFreed called, outside the lock, when a held slot becomes free: polls waiting as busy
   *     should then ask for work again
   */
  CommandSlots(int capacity, Runnable onFreed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.onFreed = onFreed;
  }

  /** Promises one free slot to a poll about to ask for work; false when none is left. */
  synchronized boolean promise() {
    if (promised + held >= capacity) {
      return false;
    }
    promised++;
    return true;
  }

  /** Takes back a promise whose poll brought no command to run. */
  synchronized void unpromise() {
    promised--;
  }

  /** Turns a poll's promised slot into one held by the command it brought. */
  synchronized void hold() {
    promised--;
    held++;
  }

  /** True while a slot is neither promised nor held, so a busy poll should ask for work instead. */
  synchronized boolean anyUnpromised() {
    return promised + held < capacity;
  }

  /**
   * Waits until the command may start beside those already running, then counts it as running. Must
   * be paired with {@link #end}, which also frees its held slot.
   */
  synchronized void begin(String commandId, Isolation isolation) throws InterruptedException {
    while (running.stream().anyMatch(r -> !canRunTogether(r.isolation(), isolation))) {
      wait();
    }
    running.add(new Running(commandId, isolation));
  }

  /** Ends a command started with {@link #begin} (or one that never started) and frees its slot. */
  void end(String commandId) {
    synchronized (this) {
      running.removeIf(r -> r.commandId().equals(commandId));
      held--;
      notifyAll();
    }
    onFreed.run();
  }

  static boolean canRunTogether(Isolation a, Isolation b) {
    return a.getAllowConcurrency()
        && b.getAllowConcurrency()
        && (a.getMutex().isEmpty() || !Objects.equals(a.getMutex(), b.getMutex()));
  }
}
