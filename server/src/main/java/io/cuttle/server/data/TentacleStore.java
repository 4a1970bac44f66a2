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

  public Optional<TentacleRecord> findByThumbprint(String thumbprint) {
    return findBy("thumbprint", thumbprint);
  }

  private Optional<TentacleRecord> findBy(String column, String value) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM tentacles WHERE "
                        + column
                        + " = :v AND "
                        + REGISTERED)
                .bind("v", value)
                .map(TentacleStore::map)
                .findOne());
  }

  /** Inserts or, when {@code replacing} names an existing row, rewrites it in place. */
  public void save(Handle h, TentacleRecord t, boolean replacing) {
    String sql =
        replacing
            ? "UPDATE tentacles SET name = :name, thumbprint = :thumbprint, environment = :environment,"
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

  /** Records a poll: the tentacle is alive, came through {@code route} from {@code address}. */
  public void recordContact(
      String id,
      long now,
      Route route,
      String address,
      String version,
      List<String> capabilities,
      String platform) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE tentacles SET last_seen_at = :now, last_route = :route, last_address = :address,"
                        + " version = :version, capabilities = :capabilities, platform = :platform WHERE id = :id")
                .bind("now", now)
                .bind("route", route.name())
                .bind("address", address)
                .bind("version", version)
                .bind("capabilities", String.join(",", capabilities))
                .bind("platform", platform)
                .bind("id", id)
                .execute());
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
