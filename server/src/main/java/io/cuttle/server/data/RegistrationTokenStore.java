package io.cuttle.server.data;

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
  public record Token(String id, long expiresAt, Long usedAt, String usedBy) {}

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
                    "SELECT id, expires_at, used_at, used_by FROM registration_tokens"
                        + " WHERE token_hash = :hash")
                .bind("hash", BearerSecrets.sha256Hex(token))
                .map(
                    (rs, ctx) ->
                        new Token(
                            rs.getString(1),
                            rs.getLong(2),
                            (Long) rs.getObject(3, Long.class),
                            rs.getString(4)))
                .findOne());
  }

  /**
   * Uses the token up for {@code tentacleName}, in the caller's transaction so that a registration
   * that fails leaves the token usable, and two registrations racing with one token cannot both
   * succeed.
   *
   * @return false when the token was used or expired meanwhile
   */
  public boolean use(Handle h, String id, String tentacleName, long now) {
    return h.createUpdate(
                "UPDATE registration_tokens SET used_at = :now, used_by = :name"
                    + " WHERE id = :id AND used_at IS NULL AND expires_at > :now")
            .bind("now", now)
            .bind("name", tentacleName)
            .bind("id", id)
            .execute()
        == 1;
  }
}
