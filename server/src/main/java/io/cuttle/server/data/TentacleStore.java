package io.cuttle.server.data;

import io.cuttle.wire.api.CommsStyle;
import io.cuttle.wire.api.Route;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Registered tentacles: who they are, how they connect, and when they were last heard from. */
public final class TentacleStore {
  private static final String COLUMNS =
      "id, name, thumbprint, environment, roles, comms_style, comms_address, version,"
          + " capabilities, platform, registered_at, last_seen_at, last_route, last_address";

  /** Deregistered rows stay for the history of past tasks, but are nobody's tentacle. */
  private static final String REGISTERED = "deregistered_at IS NULL";

  private final Jdbi jdbi;

  public TentacleStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public List<TentacleRecord> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT " + COLUMNS + " FROM tentacles WHERE " + REGISTERED + " ORDER BY name")
                .map(TentacleStore::map)
                .list());
  }

  public Optional<TentacleRecord> findById(String id) {
    return findBy("id", id);
  }

  public Optional<TentacleRecord> findByName(String name) {
    return findBy("name", name);
  }

  public Optional<TentacleRecord> findByName(Handle h, String name) {
    return findBy(h, "name", name);
  }

  /**
   * The tentacle that holds {@code thumbprint}, as its certificate or as the next one it added
   * while rotating: either way the certificate is that tentacle's and nobody else's.
   */
  public Optional<TentacleRecord> findByThumbprint(String thumbprint) {
    // Two lookups, each by its own unique index: H2 answers "thumbprint = :v OR next_thumbprint =
    // :v" with a scan of the whole table, and this runs on every polling call of every tentacle.
    return jdbi.withHandle(h -> findByThumbprint(h, thumbprint));
  }

  public Optional<TentacleRecord> findByThumbprint(Handle h, String thumbprint) {
    return findBy(h, "thumbprint", thumbprint).or(() -> findBy(h, "next_thumbprint", thumbprint));
  }

  /** The certificate a tentacle added beside its current one and has not yet polled with. */
  public Optional<String> nextThumbprint(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT next_thumbprint FROM tentacles WHERE id = :id AND " + REGISTERED)
                .bind("id", id)
                .mapTo(String.class)
                .findOne()
                .filter(t -> t != null));
  }

  /** Outcome of {@link #addNextThumbprint}. */
  public enum AddOutcome {
    ADDED,
    /** Another tentacle holds the thumbprint, as its certificate or its next one. */
    TAKEN,
    /** The tentacle no longer has the certificate the request was made with. */
    STALE
  }

  /**
   * Records {@code next} as the certificate tentacle {@code id} will switch to, trusted beside
   * {@code current}; a later rotation replaces an earlier one that was never used.
   */
  public AddOutcome addNextThumbprint(String id, String current, String next) {
    return jdbi.inTransaction(
        h -> {
          boolean taken =
              h.createQuery(
                          "SELECT COUNT(*) FROM tentacles WHERE id <> :id AND"
                              + " (thumbprint = :next OR next_thumbprint = :next)")
                      .bind("id", id)
                      .bind("next", next)
                      .mapTo(Integer.class)
                      .one()
                  > 0;
          if (taken) {
            return AddOutcome.TAKEN;
          }
          int updated =
              h.createUpdate(
                      "UPDATE tentacles SET next_thumbprint = :next WHERE id = :id AND thumbprint"
                          + " = :current AND "
                          + REGISTERED)
                  .bind("id", id)
                  .bind("current", current)
                  .bind("next", next)
                  .execute();
          return updated == 1 ? AddOutcome.ADDED : AddOutcome.STALE;
        });
  }

  /**
   * Makes the tentacle's next certificate its only one, retiring the current: called once the
   * tentacle has polled with the new certificate, so it no longer needs the old.
   *
   * @return the retired thumbprint, when this call did the switch
   */
  public Optional<String> promoteNextThumbprint(String id, String next) {
    return jdbi.inTransaction(
        h -> {
          Optional<String> old =
              h.createQuery(
                      "SELECT thumbprint FROM tentacles WHERE id = :id AND next_thumbprint = :next"
                          + " AND "
                          + REGISTERED)
                  .bind("id", id)
                  .bind("next", next)
                  .mapTo(String.class)
                  .findOne();
          if (old.isEmpty()) {
            return old;
          }
          // Two statements, so neither UNIQUE constraint ever sees the thumbprint twice.
          h.createUpdate("UPDATE tentacles SET next_thumbprint = NULL WHERE id = :id")
              .bind("id", id)
              .execute();
          h.createUpdate("UPDATE tentacles SET thumbprint = :next WHERE id = :id")
              .bind("id", id)
              .bind("next", next)
              .execute();
          return old;
        });
  }

  private Optional<TentacleRecord> findBy(String column, String value) {
    return jdbi.withHandle(h -> findBy(h, column, value));
  }

  private static Optional<TentacleRecord> findBy(Handle h, String column, String value) {
    return h.createQuery(
            "SELECT " + COLUMNS + " FROM tentacles WHERE " + column + " = :v AND " + REGISTERED)
        .bind("v", value)
        .map(TentacleStore::map)
        .findOne();
  }

  /** Inserts or, when {@code replacing} names an existing row, rewrites it in place. */
  public void save(Handle h, TentacleRecord t, boolean replacing) {
    String sql =
        replacing
            ? "UPDATE tentacles SET name = :name, thumbprint = :thumbprint, next_thumbprint = NULL,"
                + " environment = :environment,"
                + " roles = :roles, comms_style = :commsStyle, comms_address = :commsAddress,"
                + " version = :version WHERE id = :id"
            : "INSERT INTO tentacles (id, name, thumbprint, environment, roles, comms_style,"
                + " comms_address, version, registered_at) VALUES (:id, :name, :thumbprint,"
                + " :environment, :roles, :commsStyle, :commsAddress, :version, :registeredAt)";
    h.createUpdate(sql)
        .bind("id", t.id())
        .bind("name", t.name())
        .bind("thumbprint", t.thumbprint())
        .bind("environment", t.environment())
        .bind("roles", String.join(",", t.roles()))
        .bind("commsStyle", t.commsStyle().name())
        .bind("commsAddress", t.commsAddress())
        .bind("version", t.version())
        .bind("registeredAt", t.registeredAt())
        .execute();
  }

  /**
   * Marks a tentacle deregistered, keeping its row for past tasks: its name and thumbprint are
   * freed for new registrations and its certificate is no longer accepted.
   *
   * @return whether a registered tentacle with that id was found
   */
  public boolean deregister(Handle h, String id, long now) {
    return h.createUpdate(
                "UPDATE tentacles SET former_name = name, name = NULL, thumbprint = NULL,"
                    + " next_thumbprint = NULL,"
                    + " deregistered_at = :now WHERE id = :id AND "
                    + REGISTERED)
            .bind("now", now)
            .bind("id", id)
            .execute()
        == 1;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /**
   * Records a poll: the tentacle is alive, came through {@code route} from {@code address}, and
   * holds {@code nextServerThumbprint} pinned (null: none).
   */
  public void recordContact(
      String id,
      long now,
      Route route,
      String address,
      String version,
      List<String> capabilities,
      String platform,
      String nextServerThumbprint) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE tentacles SET last_seen_at = :now, last_route = :route, last_address = :address,"
                        + " version = :version, capabilities = :capabilities, platform = :platform,"
                        + " next_server_thumbprint = :nextServerThumbprint WHERE id = :id")
                .bind("now", now)
                .bind("nextServerThumbprint", nextServerThumbprint)
                .bind("route", route.name())
                .bind("address", address)
                .bind("version", version)
                .bind("capabilities", String.join(",", capabilities))
                .bind("platform", platform)
                .bind("id", id)
                .execute());
  }

  /**
   * Which next server thumbprint each registered tentacle said it holds, and when it last polled.
   */
  public List<ServerPin> serverPins() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT name, next_server_thumbprint, last_seen_at FROM tentacles WHERE "
                        + REGISTERED
                        + " ORDER BY name")
                .map(
                    (rs, ctx) ->
                        new ServerPin(
                            rs.getString("name"),
                            rs.getString("next_server_thumbprint"),
                            (Long) rs.getObject("last_seen_at", Long.class)))
                .list());
  }

  private static TentacleRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
    String route = rs.getString("last_route");
    return new TentacleRecord(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("thumbprint"),
        rs.getString("environment"),
        split(rs.getString("roles")),
        CommsStyle.valueOf(rs.getString("comms_style")),
        rs.getString("comms_address"),
        rs.getString("version"),
        split(rs.getString("capabilities")),
        rs.getString("platform"),
        rs.getLong("registered_at"),
        (Long) rs.getObject("last_seen_at", Long.class),
        route == null ? null : Route.valueOf(route),
        rs.getString("last_address"));
  }

  private static List<String> split(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
  }
}
