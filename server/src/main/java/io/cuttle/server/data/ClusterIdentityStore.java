package io.cuttle.server.data;

import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The identity every node sharing the database must have, as the first node recorded it: the server
 * certificate's thumbprint and a fingerprint of the secrets key. Read and changed only under the
 * record's row lock, so nodes starting (or activating a certificate) at the same moment take turns.
 */
public final class ClusterIdentityStore {
  /** What was recorded, by which node and when. */
  public record Recorded(
      String serverThumbprint, String secretsFingerprint, String recordedBy, long recordedAt) {}

  /** Work done while holding the lock; {@code record} replaces what is recorded. */
  @FunctionalInterface
  public interface Locked<T, X extends Exception> {
    T apply(Optional<Recorded> recorded, Consumer<Recorded> record) throws X;
  }

  private final Jdbi jdbi;

  public ClusterIdentityStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Runs {@code work} in one transaction holding the lock, with what is recorded (empty until the
   * first node records). If {@code work} throws, nothing it recorded is kept.
   */
  public <T, X extends Exception> T locked(Locked<T, X> work) throws X {
    return jdbi.inTransaction(
        h -> {
          // The row is there from the migration on; its thumbprint is null until the first node
          // records.
          Recorded recorded =
              h.createQuery(
                      "SELECT server_thumbprint, secrets_fingerprint, recorded_by, recorded_at"
                          + " FROM cluster_identity WHERE id = 1 FOR UPDATE")
                  .map(
                      (rs, ctx) ->
                          rs.getString(1) == null
                              ? null
                              : new Recorded(
                                  rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                  .one();
          return work.apply(Optional.ofNullable(recorded), replacement -> record(h, replacement));
        });
  }

  private static void record(Handle h, Recorded recorded) {
    h.createUpdate(
            "UPDATE cluster_identity SET server_thumbprint = :thumbprint,"
                + " secrets_fingerprint = :fingerprint, recorded_by = :by, recorded_at = :at"
                + " WHERE id = 1")
        .bind("thumbprint", recorded.serverThumbprint())
        .bind("fingerprint", recorded.secretsFingerprint())
        .bind("by", recorded.recordedBy())
        .bind("at", recorded.recordedAt())
        .execute();
  }
}
