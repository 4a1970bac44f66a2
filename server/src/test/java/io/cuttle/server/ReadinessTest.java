package io.cuttle.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.server.data.DatabaseAvailability;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What {@code /health/ready} says through a server's life: starting, ready, a database outage and
 * its end, and draining. Liveness has no such states: the admin listener answering is all it says.
 */
class ReadinessTest {
  private final AtomicBoolean databaseDown = new AtomicBoolean();
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T05:00:00Z"), ZoneOffset.UTC);

  @Test
  void readyOnlyWithTheDatabaseAnsweringEveryListenerBoundAndNoDrain() {
    Readiness readiness = new Readiness();
    assertThat(readiness.notReady())
        .containsExactly(
            "starting: the database is not open yet", "starting: not every listener is bound yet");

    try (DatabaseAvailability database =
        DatabaseAvailability.watch(
            () -> {
              if (databaseDown.get()) {
                throw new SQLTransientConnectionException("connection refused");
              }
            },
            clock,
            Duration.ofHours(1))) {
      readiness.databaseIs(database);
      assertThat(readiness.notReady()).containsExactly("starting: not every listener is bound yet");

      readiness.listening();
      assertThat(readiness.notReady()).isEmpty();

      databaseDown.set(true);
      database.probeOnce();
      assertThat(readiness.notReady())
          .containsExactly(
              "database unavailable since 2026-12-06T05:00:00Z; the server retries on its own and"
                  + " is ready again once it answers");

      databaseDown.set(false);
      database.probeOnce();
      assertThat(readiness.notReady()).isEmpty();

      readiness.draining();
      assertThat(readiness.notReady()).containsExactly("draining: the server is shutting down");
    }
  }
}
