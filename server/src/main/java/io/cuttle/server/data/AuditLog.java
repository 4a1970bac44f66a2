package io.cuttle.server.data;

import io.cuttle.wire.api.AuditEntry;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Who changed what, when: appended to, never edited. */
public final class AuditLog {
  private static final int MAX_TEXT = 1000;
  private final Jdbi jdbi;

  public AuditLog(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public void record(String actor, String action, String target, long now) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO audit_log (at, actor, action, target)"
                        + " VALUES (:at, :actor, :action, :target)")
                .bind("at", now)
                .bind("actor", clip(actor, 200))
                .bind("action", clip(action, 200))
                .bind("target", clip(target, MAX_TEXT))
                .execute());
  }

  /** Newest first: up to {@code limit} entries older than entry {@code before} (0: the newest). */
  public List<AuditEntry> recent(long before, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id, at, actor, action, target FROM audit_log"
                        + " WHERE (:before = 0 OR id < :before) ORDER BY id DESC LIMIT :limit")
                .bind("before", before)
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new AuditEntry(
                            rs.getLong(1),
                            rs.getLong(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5)))
                .list());
  }

  private static String clip(String text, int max) {
    String value = text == null ? "" : text;
    return value.length() <= max ? value : value.substring(0, max);
  }
}
