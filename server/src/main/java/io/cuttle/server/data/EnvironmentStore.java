package io.cuttle.server.data;

import io.cuttle.wire.api.EnvironmentView;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Environments in their order. Names are unique ignoring case, as tentacles match them. */
public final class EnvironmentStore {
  private final Jdbi jdbi;

  public EnvironmentStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public List<EnvironmentView> list() {
    return jdbi.withHandle(this::list);
  }

  public List<EnvironmentView> list(Handle h) {
    return h.createQuery(
            "SELECT id, name, display_order FROM environments ORDER BY display_order, name")
        .map((rs, ctx) -> new EnvironmentView(rs.getString(1), rs.getString(2), rs.getInt(3)))
        .list();
  }

  public Optional<EnvironmentView> find(String name) {
    return jdbi.withHandle(h -> find(h, name));
  }

  public Optional<EnvironmentView> find(Handle h, String name) {
    return h.createQuery(
            "SELECT id, name, display_order FROM environments WHERE LOWER(name) = LOWER(:name)")
        .bind("name", name)
        .map((rs, ctx) -> new EnvironmentView(rs.getString(1), rs.getString(2), rs.getInt(3)))
        .findOne();
  }

  /** Adds an environment after the last one. */
  public EnvironmentView add(Handle h, String name, long now) {
    int position =
        h.createQuery("SELECT COALESCE(MAX(display_order), -1) + 1 FROM environments")
            .mapTo(Integer.class)
            .one();
    String id = Ids.newId("E-");
    h.createUpdate(
            "INSERT INTO environments (id, name, display_order, created_at)"
                + " VALUES (:id, :name, :position, :now)")
        .bind("id", id)
        .bind("name", name)
        .bind("position", position)
        .bind("now", now)
        .execute();
    return new EnvironmentView(id, name, position);
  }

  /**
   * The environment of this name, added after the last one if there is none yet, in the caller's
   * transaction: if that transaction is refused, the environment was never added.
   */
  public EnvironmentView ensure(Handle h, String name, long now) {
    return find(h, name).orElseGet(() -> add(h, name, now));
  }

  /** Renames it, and the tentacles in it, so they stay in it. */
  public void rename(Handle h, EnvironmentView environment, String newName) {
    h.createUpdate("UPDATE environments SET name = :name WHERE id = :id")
        .bind("name", newName)
        .bind("id", environment.id())
        .execute();
    h.createUpdate(
            "UPDATE tentacles SET environment = :name WHERE LOWER(environment) = LOWER(:old)")
        .bind("name", newName)
        .bind("old", environment.name())
        .execute();
  }

  public void reorder(Handle h, List<EnvironmentView> inOrder) {
    for (int i = 0; i < inOrder.size(); i++) {
      h.createUpdate("UPDATE environments SET display_order = :position WHERE id = :id")
          .bind("position", i)
          .bind("id", inOrder.get(i).id())
          .execute();
    }
  }

  /** What keeps the environment from being deleted, in words; empty when nothing does. */
  public List<String> uses(Handle h, EnvironmentView environment) {
    int tentacles =
        h.createQuery(
                "SELECT COUNT(*) FROM tentacles WHERE name IS NOT NULL"
                    + " AND LOWER(environment) = LOWER(:name)")
            .bind("name", environment.name())
            .mapTo(Integer.class)
            .one();
    int deployments = countWhere(h, "deployments", environment.id());
    int variables = countWhere(h, "variables", environment.id());
    return Stream.of(
            tentacles > 0 ? tentacles + " registered tentacle(s)" : null,
            deployments > 0 ? deployments + " deployment(s)" : null,
            variables > 0 ? variables + " project variable(s) scoped to it" : null)
        .filter(Objects::nonNull)
        .toList();
  }

  private static int countWhere(Handle h, String table, String environmentId) {
    return h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE environment_id = :id")
        .bind("id", environmentId)
        .mapTo(Integer.class)
        .one();
  }

  public void delete(Handle h, String id) {
    h.createUpdate("DELETE FROM environments WHERE id = :id").bind("id", id).execute();
  }

  /**
   * Adds an environment for every one registered tentacles name that has none: tentacles registered
   * before environments were stored, at start-up.
   */
  public void adoptTentacleEnvironments(long now) {
    jdbi.useTransaction(
        h -> {
          List<String> named =
              h.createQuery(
                      "SELECT DISTINCT environment FROM tentacles WHERE name IS NOT NULL"
                          + " ORDER BY environment")
                  .mapTo(String.class)
                  .list();
          named.forEach(name -> find(h, name).orElseGet(() -> add(h, name, now)));
        });
  }
}
