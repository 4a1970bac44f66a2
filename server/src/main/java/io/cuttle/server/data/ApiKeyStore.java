package io.cuttle.server.data;

import io.cuttle.wire.api.ApiKeyView;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * API keys, stored as SHA-256 hashes (see {@link BearerSecrets}). A key belongs to the user of its
 * name and acts with that user's role, so changing a user's role changes what their keys may do; a
 * key whose user does not exist (the bootstrap key made before users existed) keeps the role it was
 * made with.
 */
public final class ApiKeyStore {
  /** Every key made by the server starts so. */
  public static final String PREFIX = "cuttle_";

  private static final String SELECT_VIEW =
      "SELECT id, name, label, created_at, revoked_at FROM api_keys";
  private final Jdbi jdbi;

  public ApiKeyStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Whose a key is, and what it may do. */
  public record Caller(String name, Role role) {}

  public void add(String name, String key, String role, long now) {
    insert(Ids.newId("A-"), name, null, key, role, now);
  }

  /** A new key for {@code user}: the value is returned here once and never stored. */
  public ApiKeyView.Created create(String user, String label, Role role, long now) {
    String key = BearerSecrets.newSecret(PREFIX);
    String id = Ids.newId("A-");
    insert(id, user, label, key, role.id(), now);
    return new ApiKeyView.Created(new ApiKeyView(id, user, label, now, null), key);
  }

  private void insert(String id, String name, String label, String key, String role, long now) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO api_keys (id, name, label, key_hash, role, created_at)"
                        + " VALUES (:id, :name, :label, :hash, :role, :now)")
                .bind("id", id)
                .bind("name", name)
                .bind("label", label)
                .bind("hash", BearerSecrets.sha256Hex(key))
                .bind("role", role)
                .bind("now", now)
                .execute());
  }

  /** Whether the key was ever stored, revoked or not. */
  public boolean isKnown(String key) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM api_keys WHERE key_hash = :hash")
                    .bind("hash", BearerSecrets.sha256Hex(key))
                    .mapTo(Integer.class)
                    .one()
                > 0);
  }

  /** The name of the key's owner, if the key is known and not revoked. */
  public Optional<String> ownerOf(String key) {
    return callerOf(key).map(Caller::name);
  }

  /**
   * Who acts with the key, if it is known, not revoked, and its user is not disabled (a deleted
   * user's keys were revoked with them).
   */
  public Optional<Caller> callerOf(String key) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT k.name, COALESCE(u.role, k.role) FROM api_keys k"
                        + " LEFT JOIN users u ON u.name = k.name"
                        + " WHERE k.key_hash = :hash AND k.revoked_at IS NULL"
                        + " AND u.disabled_at IS NULL")
                .bind("hash", BearerSecrets.sha256Hex(key))
                .map(
                    (rs, ctx) ->
                        new Caller(rs.getString(1), Role.of(rs.getString(2)).orElse(Role.VIEWER)))
                .findOne());
  }

  /** Every key, or those of {@code user} when it is not null; revoked ones too, newest first. */
  public List<ApiKeyView> list(String user) {
    String where = user == null ? "" : " WHERE name = :user";
    return jdbi.withHandle(
        h ->
            h.createQuery(SELECT_VIEW + where + " ORDER BY created_at DESC, id")
                .bindMap(user == null ? java.util.Map.of() : java.util.Map.of("user", user))
                .map(ApiKeyStore::view)
                .list());
  }

  public Optional<ApiKeyView> find(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery(SELECT_VIEW + " WHERE id = :id")
                .bind("id", id)
                .map(ApiKeyStore::view)
                .findOne());
  }

  private static ApiKeyView view(
      java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new ApiKeyView(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getLong(4),
        (Long) rs.getObject(5, Long.class));
  }

  /**
   * Revokes a key for good.
   *
   * @return false when there is no such key or it was revoked already
   */
  public boolean revoke(String id, long now) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        "UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                    .bind("now", now)
                    .bind("id", id)
                    .execute()
                == 1);
  }
}
