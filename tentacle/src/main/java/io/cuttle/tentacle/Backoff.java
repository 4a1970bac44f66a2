package io.cuttle.tentacle;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with full jitter: each wait is uniform between zero and the current
 * cap, so a fleet that lost its server at one moment does not come back at one moment. Public so
 * the bench module's simulated tentacles come back exactly as real ones do.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private Duration current;

  public Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
    this.current = initial;
  }

  public Duration next() {
    Duration cap = current;
    current = current.multipliedBy(2).compareTo(max) > 0 ? max : current.multipliedBy(2);
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap.toMillis() + 1));
  }

  public void reset() {
    current = initial;
  }

  /** Waits out one backoff step; an interrupt ends the wait early and stays set for the caller. */
  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
