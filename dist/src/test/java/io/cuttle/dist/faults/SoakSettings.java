package io.cuttle.dist.faults;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The soak's seed and length, from system properties so a failed run can be replayed. */
final class SoakSettings {
  private static final int MAX_MINUTES = 60;

  private SoakSettings() {}

  /** {@code cuttle.soak.seed}, or a fresh random one. */
  static long seed() {
    String seed = System.getProperty("cuttle.soak.seed");
    if (seed == null || seed.isBlank()) {
      return ThreadLocalRandom.current().nextLong();
    }
    try {
      return Long.parseLong(seed.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "cuttle.soak.seed: '" + seed + "' (expected: a whole number, as a soak run printed)");
    }
  }

  /** {@code cuttle.soak.minutes}, 5 unless set. */
  static Duration length() {
    String minutes = System.getProperty("cuttle.soak.minutes", "5");
    int value;
    try {
      value = Integer.parseInt(minutes.trim());
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 1 || value > MAX_MINUTES) {
      throw new IllegalArgumentException(
          "cuttle.soak.minutes: '" + minutes + "' (expected: 1 to " + MAX_MINUTES + ")");
    }
    return Duration.ofMinutes(value);
  }
}
