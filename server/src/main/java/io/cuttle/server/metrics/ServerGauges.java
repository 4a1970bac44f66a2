package io.cuttle.server.metrics;

import io.cuttle.common.pki.Identity;
import io.cuttle.server.data.Database;
import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.FleetCounts;
import io.cuttle.server.identity.ServerIdentities;
import io.cuttle.server.polling.ConnectedTentacles;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.server.polling.RefusedConnections;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges over the state the server's parts keep anyway: each reads a field or a map's size when
 * scraped, so a fleet of 10,000 tentacles costs a scrape no more than a fleet of ten.
 */
public final class ServerGauges {
  private static final Logger log = LoggerFactory.getLogger(ServerGauges.class);

  private ServerGauges() {}

  /** Whether the database answers (1) or not (0), and the connection pool's use. */
  public static void database(
      MeterRegistry registry, DatabaseAvailability availability, Database database) {
    Gauge.builder(
            "cuttle.database.available", availability, a -> a.unavailableSince().isEmpty() ? 1 : 0)
        .description("1 while the database answers, 0 during an outage")
        .register(registry);
    Gauge.builder(
            "cuttle.database.pool.connections.active",
            database,
            d -> d.pool().getActiveConnections())
        .description("Database connections in use")
        .register(registry);
    Gauge.builder(
            "cuttle.database.pool.connections.idle", database, d -> d.pool().getIdleConnections())
        .description("Database connections open and free")
        .register(registry);
    Gauge.builder("cuttle.database.pool.connections.max", database, Database::maxPoolSize)
        .description("The most database connections the pool opens")
        .register(registry);
    Gauge.builder(
            "cuttle.database.pool.waiting", database, d -> d.pool().getThreadsAwaitingConnection())
        .description("Callers waiting for a free database connection")
        .register(registry);
  }

  /** Tentacles holding a poll on this node by the door they came through, and the polls held. */
  public static void polling(
      MeterRegistry registry, ConnectedTentacles connected, PollWaiters waiters) {
    for (ConnectedTentacles.Door door : ConnectedTentacles.Door.values()) {
      Gauge.builder("cuttle.tentacles.connected", connected, c -> c.connected(door))
          .description("Tentacles holding a poll on this node, by how they came in")
          .tag("route", door.label())
          .register(registry);
    }
    Gauge.builder("cuttle.polls.held", waiters, PollWaiters::heldPolls)
        .description("Long polls held open on this node")
        .register(registry);
  }

  /** Polling connections refused, by reason. */
  public static void refused(MeterRegistry registry, RefusedConnections refused) {
    for (String reason : RefusedConnections.REASONS) {
      FunctionCounter.builder("cuttle.polling.refused", refused, r -> r.count(reason))
          .description("Polling connections or calls refused, by reason")
          .tag("reason", reason)
          .register(registry);
    }
  }

  /** When the server's certificate, and the next one once made, stop being valid. */
  public static void certificates(MeterRegistry registry, ServerIdentities identities) {
    expiry(registry, "current", () -> Optional.of(identities.current()));
    expiry(registry, "next", identities::next);
  }

  private static void expiry(
      MeterRegistry registry, String which, Supplier<Optional<Identity>> identity) {
    Gauge.builder(
            "cuttle.certificate.expiry.timestamp",
            identity,
            i ->
                i.get()
                    .map(id -> id.certificate().getNotAfter().getTime() / 1000.0)
                    .orElse(Double.NaN))
        .description("When the server's certificate expires, in seconds since the epoch")
        .baseUnit("seconds")
        // Gauges hold their state weakly, and nothing else holds this supplier.
        .strongReference(true)
        .tag("certificate", which)
        .register(registry);
  }

  /**
   * Registered tentacles and those not seen within {@code onlineWindow}: one count query per
   * scrape, skipped while the database is down (the gauges then show no value rather than a stale
   * one).
   */
  public static void fleet(
      ServerMetrics metrics,
      FleetCounts counts,
      DatabaseAvailability availability,
      Clock clock,
      Duration onlineWindow) {
    double[] figures = {Double.NaN, Double.NaN};
    metrics.beforeEachScrape(
        () -> {
          double registered = Double.NaN;
          double offline = Double.NaN;
          if (availability.unavailableSince().isEmpty()) {
            try {
              FleetCounts.Fleet fleet = counts.count(clock.millis() - onlineWindow.toMillis());
              registered = fleet.registered();
              offline = fleet.offline();
            } catch (RuntimeException e) {
              if (!availability.failed(e)) {
                log.warn("Could not count the fleet for the metrics: {}", e.toString());
              }
            }
          }
          synchronized (figures) {
            figures[0] = registered;
            figures[1] = offline;
          }
        });
    MeterRegistry registry = metrics.registry();
    Gauge.builder("cuttle.tentacles.registered", figures, f -> read(f, 0))
        .description("Tentacles registered with the server (all nodes)")
        .register(registry);
    Gauge.builder("cuttle.tentacles.offline", figures, f -> read(f, 1))
        .description("Registered tentacles that have not polled any node lately")
        .register(registry);
  }

  private static double read(double[] figures, int index) {
    synchronized (figures) {
      return figures[index];
    }
  }
}
