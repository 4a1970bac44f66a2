package io.cuttle.server.data;

import io.cuttle.wire.api.RegistrationTokenView;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * One-time registration tokens, stored as SHA-256 hashes like API keys: a copy of the database does
 * not hand out working tokens. A token allows one tentacle registration, until it expires.
 */
public final class RegistrationTokenStore {
  /** Every token starts so, which tells the authorizer it is not an API key. */
  public static final String PREFIX = "cuttle_rt_";

  private final Jdbi jdbi;

  public RegistrationTokenStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A stored token as the authorizer sees it. */
  public record Token(String id, long expiresAt, Long usedAt, String usedBy, Long revokedAt) {}

  /** A new token: the value is returned here once and never stored. */
  public record Created(String id, String token, long expiresAt) {}

  public Created create(String createdBy, long now, long expiresAt) {
    String token = BearerSecrets.newSecret(PREFIX);
    String id = Ids.newId("R-");
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO registration_tokens (id, token_hash, created_by, created_at,"
                        + " expires_at) VALUES (:id, :hash, :createdBy, :now, :expiresAt)")
                .bind("id", id)
                .bind("hash", BearerSecrets.sha256Hex(token))
                .bind("createdBy", createdBy)
                .bind("now", now)
                .bind("expiresAt", expiresAt)
                .execute());
    return new Created(id, token, expiresAt);
  }

  public Optional<Token> find(String token) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id, expires_at, used_at, used_by, revoked_at FROM registration_tokens"
                        + " WHERE token_hash = :hash")
                .bind("hash", BearerSecrets.sha256Hex(token))
                .map(
                    (rs, ctx) ->
                        new Token(
                            rs.getString(1),
                            rs.getLong(2),
                            (Long) rs.getObject(3, Long.class),
                            rs.getString(4),
                            (Long) rs.getObject(5, Long.class)))
                .findOne());
  }

  /** Every token, newest first. */
  public List<RegistrationTokenView> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id, created_by, created_at, expires_at, used_at, used_by, revoked_at"
                        + " FROM registration_tokens ORDER BY created_at DESC, id")
                .map(
                    (rs, ctx) ->
                        new RegistrationTokenView(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getLong(4),
                            (Long) rs.getObject(5, Long.class),
                            rs.getString(6),
                            (Long) rs.getObject(7, Long.class)))
                .list());
  }

  public Optional<RegistrationTokenView> findById(String id) {
    return list().stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /** Revokes a token not yet used or revoked; false when there was nothing to revoke. */
  public boolean revoke(String id, long now) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE registration_tokens SET revoked_at = :now WHERE id = :id"
                            + " AND used_at IS NULL AND revoked_at IS NULL")
                    .bind("now", now)
                    .bind("id", id)
                    .execute())
        == 1;
  }

  /**
   * Uses the token up for {@code tentacleName}, in the caller's transaction so that a registration
   * that fails leaves the token usable, and two registrations racing with one token cannot both
   * succeed.
   *
   * @return false when the token was used, revoked or expired meanwhile
   */
  public boolean use(Handle h, String id, String tentacleName, long now) {
    return h.createUpdate(
                "UPDATE registration_tokens SET used_at = :now, used_by = :name"
                    + " WHERE id = :id AND used_at IS NULL AND revoked_at IS NULL"
                    + " AND expires_at > :now")
            .bind("now", now)
            .bind("name", tentacleName)
            .bind("id", id)
            .execute()
        == 1;
  }
}
