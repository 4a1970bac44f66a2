package io.cuttle.server.data;

import org.jdbi.v3.core.Jdbi;

/**
 * How many tentacles are registered and how many of them have not polled lately: one count over the
 * tentacles table, asked once per metrics scrape.
 */
public final class FleetCounts {
  /** The figures at one moment. */
  public record Fleet(long registered, long offline) {}

  private final Jdbi jdbi;

  public FleetCounts(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * @param onlineSince a tentacle last seen before this (epoch millis), or never, is offline
   */
  public Fleet count(long onlineSince) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN last_seen_at IS NULL"
                        + " OR last_seen_at < :since THEN 1 ELSE 0 END), 0) FROM tentacles"
                        + " WHERE deregistered_at IS NULL")
                .bind("since", onlineSince)
                .map((rs, ctx) -> new Fleet(rs.getLong(1), rs.getLong(2)))
                .one());
  }
}
