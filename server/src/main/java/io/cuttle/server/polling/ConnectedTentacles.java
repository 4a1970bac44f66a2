package io.cuttle.server.polling;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tentacles holding a poll on this node, by the way they came in. A tentacle polls all the
 * time, so one holding a poll is one connected; counted as polls start and end, never by a scan, so
 * reading the figures costs nothing however large the fleet.
 */
public final class ConnectedTentacles {
  /** How a tentacle reached this node; the label is what the metrics show. */
  public enum Door {
    LEGACY("legacy"),
    BUILTIN_ROUTER("builtin_router"),
    EXTERNAL_ROUTER("external_router");

    private final String label;

    Door(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final Map<Door, ConcurrentHashMap<String, AtomicInteger>> polls =
      new EnumMap<>(Door.class);

  public ConnectedTentacles() {
    for (Door door : Door.values()) {
      polls.put(door, new ConcurrentHashMap<>());
    }
  }

  /**
   * Counts the tentacle as connected through {@code door} until the returned handle is run; running
   * it again changes nothing.
   */
  Runnable holding(String tentacleId, Door door) {
    ConcurrentHashMap<String, AtomicInteger> held = polls.get(door);
    held.compute(
        tentacleId,
        (id, count) -> {
          AtomicInteger c = count == null ? new AtomicInteger() : count;
          c.incrementAndGet();
          return c;
        });
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        held.computeIfPresent(
            tentacleId, (id, count) -> count.decrementAndGet() == 0 ? null : count);
      }
    };
  }

  /** How many tentacles hold at least one poll through {@code door} now. */
  public int connected(Door door) {
    return polls.get(door).size();
  }
}
