package io.cuttle.router;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of what the router did with the connections it accepted. Thread-safe. */
public final class RouterStats {
  private final LongAdder accepted = new LongAdder();
  private final LongAdder active = new LongAdder();
  private final Map<String, LongAdder> routed = new ConcurrentHashMap<>();
  private final Map<CloseReason, LongAdder> refused = new ConcurrentHashMap<>();

  void recordAccepted() {
    accepted.increment();
    active.increment();
  }

  void recordClosed() {
    active.decrement();
  }

  void recordRouted(String route) {
    routed.computeIfAbsent(route, r -> new LongAdder()).increment();
  }

  void recordRefused(CloseReason reason) {
    refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  public long accepted() {
    return accepted.sum();
  }

  public long active() {
    return active.sum();
  }

  /** Connections handed to the named route's upstream. */
  public long routed(String route) {
    LongAdder count = routed.get(route);
    return count == null ? 0 : count.sum();
  }

  /** Connections closed before reaching any upstream, for {@code reason}. */
  public long refused(CloseReason reason) {
    LongAdder count = refused.get(reason);
    return count == null ? 0 : count.sum();
  }
}
