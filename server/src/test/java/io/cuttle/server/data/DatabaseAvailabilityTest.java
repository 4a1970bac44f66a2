package io.cuttle.server.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

/**
 * Which failures mean the database cannot be reached, and how an outage starts and ends. The outage
 * against a real PostgreSQL, with the server's answers and logs, is DatabaseOutageTest's.
 */
class DatabaseAvailabilityTest {
  private static final Duration NOT_IN_THIS_TEST = Duration.ofHours(1);
  private final AtomicReference<SQLException> probeFailure = new AtomicReference<>();
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  private DatabaseAvailability watch() {
    return DatabaseAvailability.watch(
        () -> {
          SQLException failure = probeFailure.get();
          if (failure != null) {
            throw failure;
          }
        },
        clock,
        NOT_IN_THIS_TEST);
  }

  @Test
  void theProbeKeepsRunningAfterAnError() {
    AtomicInteger probes = new AtomicInteger();
    try (DatabaseAvailability availability =
        DatabaseAvailability.watch(
            () -> {
              if (probes.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Direct buffer memory");
              }
            },
            clock,
            Duration.ofMillis(10))) {
      // A scheduled task that throws is never run again: the second probe shows it survived.
      await().atMost(Duration.ofSeconds(10)).until(() -> probes.get() >= 2);
      assertThat(availability.unavailableSince()).isEmpty();
    }
  }

  @Test
  void connectionFailuresMeanUnavailableAndStatementErrorsDoNot() {
    assertThat(
            DatabaseAvailability.isUnavailable(
                new UnableToExecuteStatementException(
                    new SQLException(
                        "An I/O error occurred while sending to the backend.", "08006"),
                    null)))
        .isTrue();
    assertThat(
            DatabaseAvailability.isUnavailable(
                new SQLTransientConnectionException("Connection is not available")))
        .isTrue();
    assertThat(
            DatabaseAvailability.isUnavailable(
                new SQLException("terminating connection due to administrator command", "57P01")))
        .isTrue();
    assertThat(
            DatabaseAvailability.isUnavailable(
                new UnableToExecuteStatementException(
                    new SQLException("duplicate key value violates unique constraint", "23505"),
                    null)))
        .isFalse();
    assertThat(DatabaseAvailability.isUnavailable(new IllegalStateException("a bug"))).isFalse();
  }

  @Test
  void aFailedCallStartsTheOutageAndTheProbeEndsIt() {
    try (DatabaseAvailability availability = watch()) {
      assertThat(availability.unavailableSince()).isEmpty();
      assertThat(availability.failed(new IllegalStateException("a bug"))).isFalse();
      assertThat(availability.unavailableSince()).isEmpty();

      assertThat(availability.failed(new SQLTransientConnectionException("timed out"))).isTrue();
      assertThat(availability.unavailableSince()).contains(clock.instant());
      assertThat(availability.lastOutageEnded()).isEmpty();

      availability.probeOnce();

      assertThat(availability.unavailableSince()).isEmpty();
      assertThat(availability.lastOutageEnded()).contains(clock.instant());
    }
  }

  @Test
  void theProbeNoticesAnOutageNobodyRanInto() {
    try (DatabaseAvailability availability = watch()) {
      probeFailure.set(new SQLException("Connection refused", "08001"));
      availability.probeOnce();
      assertThat(availability.unavailableSince()).contains(clock.instant());

      availability.probeOnce();
      assertThat(availability.unavailableSince()).as("still the same outage").isPresent();

      probeFailure.set(null);
      availability.probeOnce();
      assertThat(availability.unavailableSince()).isEmpty();
    }
  }
}
