package io.cuttle.server.data;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The server nodes using this database, each as it last described itself on its heartbeat. */
public final class ServerNodeStore {
  /** A node is offline once this many of its heartbeats are missing. */
  private static final int MISSED_HEARTBEATS_OFFLINE = 3;

  /** One node's row: where people reach it, what it runs, and how busy it was when last seen. */
  public record Node(
      String name,
      String address,
      String version,
      String thumbprint,
      long startedAt,
      long lastSeenAt,
      long heartbeatMillis,
      int tentaclesPolling,
      int heldPolls) {

    /**
     * Judged by the node's own heartbeat interval, so nodes configured differently are each judged
     * fairly; clocks agree between nodes (docs/high-availability.md).
     */
    public boolean onlineAt(long now) {
      return lastSeenAt >= now - MISSED_HEARTBEATS_OFFLINE * heartbeatMillis;
    }
  }

  private final Jdbi jdbi;

  public ServerNodeStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Writes the node's row, taking over the one an earlier run under the same name left. */
  public void save(Node node) {
    jdbi.useTransaction(
        h -> {
          int updated =
              h.createUpdate(
                      "UPDATE server_nodes SET address = :address, version = :version,"
                          + " thumbprint = :thumbprint, started_at = :startedAt,"
                          + " last_seen_at = :lastSeenAt, heartbeat_millis = :heartbeatMillis,"
                          + " tentacles_polling = :tentaclesPolling, held_polls = :heldPolls"
                          + " WHERE name = :name")
                  .bindMethods(node)
                  .execute();
          if (updated == 0) {
            h.createUpdate(
                    "INSERT INTO server_nodes (name, address, version, thumbprint, started_at,"
                        + " last_seen_at, heartbeat_millis, tentacles_polling, held_polls)"
                        + " VALUES (:name, :address, :version, :thumbprint, :startedAt,"
                        + " :lastSeenAt, :heartbeatMillis, :tentaclesPolling, :heldPolls)")
                .bindMethods(node)
                .execute();
          }
        });
  }

  /** Every node that ever used the database, by name. */
  public List<Node> all() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT name, address, version, thumbprint, started_at, last_seen_at,"
                        + " heartbeat_millis, tentacles_polling, held_polls"
                        + " FROM server_nodes ORDER BY name")
                .map(
                    (rs, ctx) ->
                        new Node(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getInt(8),
                            rs.getInt(9)))
                .list());
  }
}
