package io.cuttle.server.data;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** People who sign in: their password hashes, roles, and failed-login counts. */
public final class UserStore {
  private static final String SELECT =
      "SELECT id, name, password_hash, role, created_at, failed_logins, locked_until, disabled_at"
          + " FROM users";

  /** How long failed logins for a name no user has are remembered after the last one. */
  static final Duration UNKNOWN_NAME_MEMORY = Duration.ofDays(1);

  private final Jdbi jdbi;
  private final UserChanges changes;

  public UserStore(Jdbi jdbi) {
    this.jdbi = jdbi;
    this.changes = new UserChanges(jdbi);
  }

  /**
   * A stored user; {@code lockedUntil} is null unless repeated failed logins locked them out, and
   * {@code disabledAt} unless an admin disabled them.
   */
  public record User(
      String id,
      String name,
      String passwordHash,
      Role role,
      long createdAt,
      int failedLogins,
      Long lockedUntil,
      Long disabledAt) {}

  /** Disabling, enabling, deleting and changing roles, which the last-admin rule guards. */
  public UserChanges changes() {
    return changes;
  }

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
        (Long) rs.getObject(7, Long.class),
        (Long) rs.getObject(8, Long.class));
  }

  /**
   * What {@link #takeLoginTurn} decided: whether a password may be checked now, and the lock in
   * force, if any (set by this turn when it was the last one allowed).
   */
  public record LoginTurn(boolean granted, Long lockedUntil) {}

  /**
   * Counts a login attempt as failed before its password is checked, in one conditional update, so
   * that however many attempts arrive at once, at most {@code maxFailures} are let through per lock
   * period: the turn that reaches the count also takes the lock. A successful login then clears the
   * count ({@link #clearFailures}). Names no user has are counted alike, in their own table, so the
   * answer does not tell which names exist.
   */
  public LoginTurn takeLoginTurn(String name, long now, int maxFailures, long lockUntil) {
    Optional<LoginTurn> known = takeTurn("users", "name", name, now, maxFailures, lockUntil);
    if (known.isPresent()) {
      return known.get();
    }
    String hash = BearerSecrets.sha256Hex(name);
    for (int tries = 0; tries < 3; tries++) {
      Optional<LoginTurn> unknown =
          takeTurn("unknown_name_logins", "name_hash", hash, now, maxFailures, lockUntil);
      if (unknown.isPresent()) {
        return unknown.get();
      }
      addUnknownName(hash, now);
    }
    throw new IllegalStateException("no login turn for an unknown name after three tries");
  }

  /** Empty when there is no row for the key; the caller adds one and tries again. */
  private Optional<LoginTurn> takeTurn(
      String table, String key, String value, long now, int maxFailures, long lockUntil) {
    return jdbi.inTransaction(
        h -> {
          // A lock that has run out starts a new count. Both databases re-check the WHERE clause
          // of an UPDATE that waited for another's row lock, so concurrent turns are serialised.
          int updated =
              h.createUpdate(
                      "UPDATE "
                          + table
                          + " SET failed_logins = CASE WHEN locked_until IS NULL"
                          + " THEN failed_logins + 1 ELSE 1 END,"
                          + " locked_until = CASE WHEN locked_until IS NULL"
                          + " AND failed_logins + 1 >= :max THEN :lockUntil ELSE NULL END"
                          + ("users".equals(table) ? "" : ", last_attempt_at = :now")
                          + " WHERE "
                          + key
                          + " = :key AND (locked_until IS NULL OR locked_until <= :now)")
                  .bind("max", maxFailures)
                  .bind("lockUntil", lockUntil)
                  .bind("now", now)
                  .bind("key", value)
                  .execute();
          // Read in the same transaction: the row lock taken above keeps it as this turn left it.
          Optional<Optional<Long>> row =
              h.createQuery("SELECT locked_until FROM " + table + " WHERE " + key + " = :key")
                  .bind("key", value)
                  .map((rs, ctx) -> Optional.ofNullable(rs.getObject(1, Long.class)))
                  .findOne();
          return row.map(lockedUntil -> new LoginTurn(updated == 1, lockedUntil.orElse(null)));
        });
  }

  private void addUnknownName(String hash, long now) {
    try {
      jdbi.useTransaction(
          h -> {
            h.createUpdate("DELETE FROM unknown_name_logins WHERE last_attempt_at <= :stale")
                .bind("stale", now - UNKNOWN_NAME_MEMORY.toMillis())
                .execute();
            h.createUpdate(
                    "INSERT INTO unknown_name_logins (name_hash, last_attempt_at)"
                        + " SELECT :hash, :now WHERE NOT EXISTS"
                        + " (SELECT 1 FROM unknown_name_logins WHERE name_hash = :hash)")
                .bind("hash", hash)
                .bind("now", now)
                .execute();
          });
    } catch (UnableToExecuteStatementException e) {
      // Another attempt for the same name added it first; its row serves this one too.
    }
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
