package io.cuttle.server.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * API keys, stored as SHA-256 hashes: a copy of the database does not hand out working keys. The
 * keys are 256-bit random values, so a fast hash is enough (no password to stretch).
 */
public final class ApiKeyStore {
  private final Jdbi jdbi;

  public ApiKeyStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public void add(String name, String key, String role, long now) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO api_keys (id, name, key_hash, role, created_at)"
                        + " VALUES (:id, :name, :hash, :role, :now)")
                .bind("id", Ids.newId("A-"))
                .bind("name", name)
                .bind("hash", hash(key))
                .bind("role", role)
                .bind("now", now)
                .execute());
  }

  /** The name of the key's owner, if the key is known. */
  public Optional<String> ownerOf(String key) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT name FROM api_keys WHERE key_hash = :hash")
                .bind("hash", hash(key))
                .mapTo(String.class)
                .findOne());
  }

  private static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
