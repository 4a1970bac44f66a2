package io.cuttle.server.data;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database answers, and the one policy for a database that does not: the outage is
 * logged once at WARN when it starts and once at INFO when it ends, with how long it lasted and how
 * many calls failed meanwhile; each failure's stack goes to DEBUG only. A failed call marks the
 * database unavailable at once; a probe of its own thread (so that callers stuck on a hung database
 * cannot delay it) notices both when it stops answering with no one calling, and when it is back.
 */
public final class DatabaseAvailability implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseAvailability.class);

  /** What the probe asks; throws when the database does not answer. */
  @FunctionalInterface
  public interface Probe {
    void check() throws SQLException;
  }

  private record Outage(Instant since, AtomicLong failures) {}

  private final Probe probe;
  private final Clock clock;
  private final ScheduledExecutorService prober;
  private volatile Outage outage;
  private volatile Instant lastOutageEnded;

  DatabaseAvailability(Probe probe, Clock clock) {
    this.probe = probe;
    this.clock = clock;
    this.prober =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "cuttle-database-probe");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Watches the database, probing it every {@code interval}. */
  public static DatabaseAvailability watch(Probe probe, Clock clock, Duration interval) {
    DatabaseAvailability availability = new DatabaseAvailability(probe, clock);
    availability.prober.scheduleWithFixedDelay(
        availability::probeOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return availability;
  }

  /**
   * Whether {@code cause} says the database could not be reached (rather than that a statement was
   * wrong): a connection refused, reset, closed, timed out, or the server shutting down.
   */
  public static boolean isUnavailable(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        // 08: connection exception; 57P01-57P03: the server shutting down or starting up.
        if (state.startsWith("08") || state.startsWith("57P")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Records {@code cause} when it says the database is unavailable, and returns whether it did: the
   * caller then answers "unavailable, retry later" and logs nothing more.
   */
  public boolean failed(Throwable cause) {
    if (!isUnavailable(cause)) {
      return false;
    }
    markUnavailable(cause);
    return true;
  }

  /** Since when the database has been unavailable; empty while it answers. */
  public Optional<Instant> unavailableSince() {
    Outage current = outage;
    return current == null ? Optional.empty() : Optional.of(current.since());
  }

  /** When this server last saw the database come back; empty when it never saw it go. */
  public Optional<Instant> lastOutageEnded() {
    return Optional.ofNullable(lastOutageEnded);
  }

  /** Asks the database once, now; public so tests can tell without waiting for the schedule. */
  public void probeOnce() {
    try {
      probe.check();
      markAvailable();
      // An Error too: a scheduled task that throws is never run again, and a probe that died would
      // leave an outage unnoticed for good (an OutOfMemoryError ends the process: see ./cuttle).
    } catch (SQLException | RuntimeException | Error e) {
      if (!failed(e)) {
        log.warn("Could not check whether the database answers: {}", e.toString());
        log.debug("Database probe failure", e);
      }
    }
  }

  private synchronized void markUnavailable(Throwable cause) {
    if (outage == null) {
      outage = new Outage(clock.instant(), new AtomicLong());
      log.warn(
          "The database is unavailable ({}); the API answers 503 and tentacles are told to retry"
              + " until it is back",
          rootMessage(cause));
    }
    long failures = outage.failures().incrementAndGet();
    log.debug("Database failure {} of this outage", failures, cause);
  }

  private synchronized void markAvailable() {
    Outage ended = outage;
    if (ended == null) {
      return;
    }
    outage = null;
    lastOutageEnded = clock.instant();
    log.info(
        "The database is back after {} s unavailable; {} call(s) failed meanwhile",
        Duration.between(ended.since(), lastOutageEnded).toSeconds(),
        ended.failures().get());
  }

  private static String rootMessage(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }
}
