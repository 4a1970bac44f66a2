package io.cuttle.server.data;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** People who sign in: their password hashes, roles, and failed-login counts. */
public final class UserStore {
  private static final String SELECT =
      "SELECT id, name, password_hash, role, created_at, failed_logins, locked_until FROM users";
  private final Jdbi jdbi;

  public UserStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A stored user; {@code lockedUntil} is null unless repeated failed logins locked them out. */
  public record User(
      String id,
      String name,
      String passwordHash,
      Role role,
      long createdAt,
      int failedLogins,
      Long lockedUntil) {}

  /**
   * Adds a user, unless the name is taken.
   *
   * @return false when a user of that name exists
   */
  public boolean create(String name, String passwordHash, Role role, long now) {
    return jdbi.inTransaction(
        h -> {
          if (h.createQuery("SELECT COUNT(*) FROM users WHERE name = :name")
                  .bind("name", name)
                  .mapTo(Integer.class)
                  .one()
              > 0) {
            return false;
          }
          h.createUpdate(
                  "INSERT INTO users (id, name, password_hash, role, created_at)"
                      + " VALUES (:id, :name, :hash, :role, :now)")
              .bind("id", Ids.newId("U-"))
              .bind("name", name)
              .bind("hash", passwordHash)
              .bind("role", role.id())
              .bind("now", now)
              .execute();
          return true;
        });
  }

  public boolean isEmpty() {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Integer.class).one() == 0);
  }

  public Optional<User> find(String name) {
    return jdbi.withHandle(
        h ->
            h.createQuery(SELECT + " WHERE name = :name")
                .bind("name", name)
                .map(UserStore::user)
                .findOne());
  }

  public List<User> list() {
    return jdbi.withHandle(
        h -> h.createQuery(SELECT + " ORDER BY name").map(UserStore::user).list());
  }

  private static User user(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new User(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        Role.of(rs.getString(4)).orElse(Role.VIEWER),
        rs.getLong(5),
        rs.getInt(6),
        (Long) rs.getObject(7, Long.class));
  }

  /** Counts a failed login, locking the user until {@code lockedUntil} when it is not null. */
  public void recordFailure(String id, Long lockedUntil) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE users SET failed_logins = failed_logins + 1,"
                        + " locked_until = COALESCE(:lockedUntil, locked_until) WHERE id = :id")
                .bind("lockedUntil", lockedUntil)
                .bind("id", id)
                .execute());
  }

  public void clearFailures(String id) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id")
                .bind("id", id)
                .execute());
  }

  public boolean setPassword(String name, String passwordHash) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        "UPDATE users SET password_hash = :hash, failed_logins = 0,"
                            + " locked_until = NULL WHERE name = :name")
                    .bind("hash", passwordHash)
                    .bind("name", name)
                    .execute()
                == 1);
  }
}
