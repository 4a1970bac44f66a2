package io.cuttle.server.data;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Signed-in browsers, known by the hash of their cookie, each with its CSRF token. */
public final class SessionStore {
  private final Jdbi jdbi;

  public SessionStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A new session: the cookie value is returned here once and never stored. */
  public record Created(String cookie, String csrfToken, long expiresAt) {}

  /** A live session and whose it is. */
  public record Session(String userName, Role role, String csrfToken, long expiresAt) {}

  /**
   * A new session for the user, unless they were disabled or deleted since their password was
   * checked.
   */
  public Optional<Created> create(String userId, long now, long expiresAt) {
    String cookie = BearerSecrets.newSecret("");
    String csrf = BearerSecrets.newSecret("");
    int added =
        jdbi.inTransaction(
            h -> {
              // Expired sessions are useless; dropping them here keeps the table small without a
              // timer.
              h.createUpdate("DELETE FROM sessions WHERE expires_at <= :now")
                  .bind("now", now)
                  .execute();
              return h.createUpdate(
                      "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at)"
                          + " SELECT :hash, id, :csrf, :now, :expires FROM users"
                          + " WHERE id = :user AND disabled_at IS NULL")
                  .bind("hash", BearerSecrets.sha256Hex(cookie))
                  .bind("user", userId)
                  .bind("csrf", csrf)
                  .bind("now", now)
                  .bind("expires", expiresAt)
                  .execute();
            });
    return added == 1 ? Optional.of(new Created(cookie, csrf, expiresAt)) : Optional.empty();
  }

  /** The live session of the cookie; none once its user is disabled or deleted. */
  public Optional<Session> find(String cookie, long now) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT u.name, u.role, s.csrf_token, s.expires_at FROM sessions s"
                        + " JOIN users u ON u.id = s.user_id"
                        + " WHERE s.id_hash = :hash AND s.expires_at > :now"
                        + " AND u.disabled_at IS NULL")
                .bind("hash", BearerSecrets.sha256Hex(cookie))
                .bind("now", now)
                .map(
                    (rs, ctx) ->
                        new Session(
                            rs.getString(1),
                            Role.of(rs.getString(2)).orElse(Role.VIEWER),
                            rs.getString(3),
                            rs.getLong(4)))
                .findOne());
  }

  /**
   * Ends every session of the user called {@code userName} but the one whose cookie is {@code keep}
   * (null: ends them all), as a new password must: whoever knew the old one may be signed in.
   *
   * @return how many sessions ended
   */
  public int deleteForUser(String userName, String keep) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                    "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = :name)"
                        + " AND id_hash <> :keep")
                .bind("name", userName)
                .bind("keep", keep == null ? "" : BearerSecrets.sha256Hex(keep))
                .execute());
  }

  public void delete(String cookie) {
    jdbi.useHandle(
        h ->
            h.createUpdate("DELETE FROM sessions WHERE id_hash = :hash")
                .bind("hash", BearerSecrets.sha256Hex(cookie))
                .execute());
  }
}
