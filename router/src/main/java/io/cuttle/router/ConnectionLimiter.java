package io.cuttle.router;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits or refuses a new connection before a byte of it is read or any upstream is dialled: a
 * global cap on open connections, and a token bucket per client address (rate per second, with a
 * burst). A fleet reconnecting after an outage comes back with jitter, well inside the burst; a
 * client opening connections in a loop does not take the router's capacity from everyone else.
 *
 * <p>Memory is bounded: buckets idle long enough to be full again are dropped whenever the table
 * grows past {@link #MAX_TRACKED_SOURCES}, and a full bucket is the same as no bucket.
 */
final class ConnectionLimiter {
  static final int MAX_TRACKED_SOURCES = 100_000;

  private final int maxConnections;
  private final double ratePerSecond;
  private final double burst;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param ratePerSecond new connections per second per client address; 0 turns the rate off
   */
  ConnectionLimiter(int maxConnections, double ratePerSecond, int burst) {
    this.maxConnections = maxConnections;
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
  }

  /** Null when the connection may go on (call {@link #release()} when it closes), else why not. */
  CloseReason admit(InetAddress source, long nowNanos) {
    if (ratePerSecond > 0 && !bucket(source, nowNanos).take(nowNanos)) {
      return CloseReason.RATE_LIMITED;
    }
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      return CloseReason.CONNECTION_LIMIT;
    }
    return null;
  }

  void release() {
    open.decrementAndGet();
  }

  int open() {
    return open.get();
  }

  int trackedSources() {
    return buckets.size();
  }

  private Bucket bucket(InetAddress source, long nowNanos) {
    if (buckets.size() >= MAX_TRACKED_SOURCES) {
      buckets.values().removeIf(b -> b.fullAt(nowNanos));
    }
    return buckets.computeIfAbsent(source, s -> new Bucket(nowNanos));
  }

  private final class Bucket {
    private double tokens = burst;
    private long refilledNanos;

    Bucket(long nowNanos) {
      this.refilledNanos = nowNanos;
    }

    synchronized boolean take(long nowNanos) {
      refill(nowNanos);
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }

    synchronized boolean fullAt(long nowNanos) {
      refill(nowNanos);
      return tokens >= burst;
    }

    private void refill(long nowNanos) {
      double elapsedSeconds = Math.max(0, nowNanos - refilledNanos) / 1e9;
      tokens = Math.min(burst, tokens + elapsedSeconds * ratePerSecond);
      refilledNanos = nowNanos;
    }
  }
}
