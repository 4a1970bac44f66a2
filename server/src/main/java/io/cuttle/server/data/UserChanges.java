package io.cuttle.server.data;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Disabling, enabling, deleting a user and changing their role, each in one transaction. Whatever
 * takes away an enabled admin first locks every admin row, in one order, so two admins acting at
 * once cannot each remove one of the last two: the second waits for the first and then counts
 * again. Disabling or deleting ends the user's sessions in the same transaction; deleting also
 * revokes their API keys, while a disabled user's keys are refused by {@link ApiKeyStore#callerOf}
 * until they are enabled again.
 */
public final class UserChanges {
  /** What a change came to. */
  public enum Outcome {
    DONE,
    NO_SUCH_USER,
    /** Refused: it would leave no enabled admin, and nobody able to change anything. */
    LAST_ADMIN
  }

  private final Jdbi jdbi;

  UserChanges(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  private record Target(String id, Role role, Long disabledAt) {
    boolean isEnabledAdmin() {
      return role == Role.ADMIN && disabledAt == null;
    }
  }

  public Outcome disable(String name, long now) {
    return change(
        name,
        true,
        (h, user) -> {
          h.createUpdate(
                  "UPDATE users SET disabled_at = :now WHERE id = :id AND disabled_at IS NULL")
              .bind("now", now)
              .bind("id", user.id())
              .execute();
          endSessions(h, user);
        });
  }

  public Outcome enable(String name) {
    return change(
        name,
        false,
        (h, user) ->
            h.createUpdate("UPDATE users SET disabled_at = NULL WHERE id = :id")
                .bind("id", user.id())
                .execute());
  }

  /** Deletes the user, ends their sessions and revokes their API keys (which stay listed). */
  public Outcome delete(String name, long now) {
    return change(
        name,
        true,
        (h, user) -> {
          endSessions(h, user);
          h.createUpdate(
                  "UPDATE api_keys SET revoked_at = :now WHERE name = :name AND revoked_at IS NULL")
              .bind("now", now)
              .bind("name", name)
              .execute();
          h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", user.id()).execute();
        });
  }

  /** Sessions and keys act with the user's role as it is now, so the change applies at once. */
  public Outcome setRole(String name, Role role) {
    return change(
        name,
        role != Role.ADMIN,
        (h, user) ->
            h.createUpdate("UPDATE users SET role = :role WHERE id = :id")
                .bind("role", role.id())
                .bind("id", user.id())
                .execute());
  }

  private interface Change {
    void apply(Handle h, Target user);
  }

  /**
   * @param removesAdmin whether the change takes the admin role from the user, if they have it
   */
  private Outcome change(String name, boolean removesAdmin, Change change) {
    return jdbi.inTransaction(
        h -> {
          if (removesAdmin) {
            // Taken before the target is read: a change that waited here for another's locks
            // then reads what that one committed.
            h.createQuery("SELECT id FROM users WHERE role = :admin ORDER BY id FOR UPDATE")
                .bind("admin", Role.ADMIN.id())
                .mapTo(String.class)
                .list();
          }
          Optional<Target> target = find(h, name);
          if (target.isEmpty()) {
            return Outcome.NO_SUCH_USER;
          }
          if (removesAdmin
              && target.get().isEnabledAdmin()
              && otherEnabledAdmins(h, target.get()) == 0) {
            return Outcome.LAST_ADMIN;
          }
          change.apply(h, target.get());
          return Outcome.DONE;
        });
  }

  private static Optional<Target> find(Handle h, String name) {
    return h.createQuery("SELECT id, role, disabled_at FROM users WHERE name = :name FOR UPDATE")
        .bind("name", name)
        .map(
            (rs, ctx) ->
                new Target(
                    rs.getString(1),
                    Role.of(rs.getString(2)).orElse(Role.VIEWER),
                    rs.getObject(3, Long.class)))
        .findOne();
  }

  private static int otherEnabledAdmins(Handle h, Target user) {
    return h.createQuery(
            "SELECT COUNT(*) FROM users WHERE role = :admin AND disabled_at IS NULL AND id <> :id")
        .bind("admin", Role.ADMIN.id())
        .bind("id", user.id())
        .mapTo(Integer.class)
        .one();
  }

  private static void endSessions(Handle h, Target user) {
    h.createUpdate("DELETE FROM sessions WHERE user_id = :id").bind("id", user.id()).execute();
  }
}
