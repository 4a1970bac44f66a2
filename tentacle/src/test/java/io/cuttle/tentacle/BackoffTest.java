package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void waitsAreJitteredUnderACapThatDoublesUpToTheMaximum() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8));
    long[] caps = {1000, 2000, 4000, 8000, 8000, 8000};
    for (long cap : caps) {
      assertThat(backoff.next().toMillis()).isBetween(0L, cap);
    }
  }

  @Test
  void spreadsAFleetOut() {
    long distinct =
        java.util.stream.IntStream.range(0, 200)
            .mapToObj(
                i -> new Backoff(Duration.ofSeconds(60), Duration.ofSeconds(60)).next().toMillis())
            .distinct()
            .count();
    assertThat(distinct)
        .as("full jitter: 200 tentacles do not come back at one moment")
        .isGreaterThan(150);
  }

  @Test
  void resetStartsOverFromTheInitialWait() {
    Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(60));
    for (int i = 0; i < 10; i++) {
      backoff.next();
    }
    backoff.reset();
    assertThat(backoff.next().toMillis()).isLessThanOrEqualTo(10);
  }
}
