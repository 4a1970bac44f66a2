package io.cuttle.server.data;

import com.fasterxml.jackson.core.type.TypeReference;
import io.cuttle.wire.api.StepSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Releases: written once, never changed. */
public final class ReleaseStore {
  private static final TypeReference<Snapshot> SNAPSHOT = new TypeReference<>() {};

  /** What a release fixes: the steps (with package versions) and the variables. */
  public record Snapshot(List<StepSpec> steps, List<StoredVariable> variables) {}

  /** A stored release. */
  public record Release(
      String id,
      String projectId,
      String projectName,
      String version,
      Snapshot snapshot,
      long createdAt,
      String createdBy) {}

  private static final String SELECT =
      "SELECT r.id, r.project_id, p.name, r.version, r.snapshot, r.created_at, r.created_by"
          + " FROM releases r JOIN projects p ON p.id = r.project_id";

  private final Jdbi jdbi;

  public ReleaseStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** How many characters of the snapshot column this snapshot takes. */
  public static int storedChars(Snapshot snapshot) {
    return StoredJson.write(snapshot).length();
  }

  public void insert(Handle h, Release release) {
    h.createUpdate(
            "INSERT INTO releases (id, project_id, version, snapshot, created_at, created_by)"
                + " VALUES (:id, :project, :version, :snapshot, :at, :by)")
        .bind("id", release.id())
        .bind("project", release.projectId())
        .bind("version", release.version())
        .bind("snapshot", StoredJson.write(release.snapshot()))
        .bind("at", release.createdAt())
        .bind("by", release.createdBy())
        .execute();
  }

  public Optional<Release> find(Handle h, String projectId, String version) {
    return h.createQuery(SELECT + " WHERE r.project_id = :project AND r.version = :version")
        .bind("project", projectId)
        .bind("version", version)
        .map(ReleaseStore::release)
        .findOne();
  }

  /** The project's releases, newest first. */
  public List<Release> list(String projectId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    SELECT + " WHERE r.project_id = :project ORDER BY r.created_at DESC, r.id")
                .bind("project", projectId)
                .map(ReleaseStore::release)
                .list());
  }

  /**
   * The releases that deploy this package version, each as "release 1.4.0 of shop". Snapshots
   * naming the id are read and checked step by step, so the text match only narrows the search.
   */
  public List<String> usingPackage(String packageId, String version) {
    return jdbi.withHandle(
        h ->
            h
                .createQuery(SELECT + " WHERE r.snapshot LIKE :named ORDER BY p.name, r.created_at")
                .bind("named", "%" + packageId + "%")
                .map(ReleaseStore::release)
                .stream()
                .filter(
                    r ->
                        r.snapshot().steps().stream()
                            .anyMatch(
                                s ->
                                    packageId.equals(s.packageId())
                                        && version.equals(s.packageVersion())))
                .map(r -> "release " + r.version() + " of " + r.projectName())
                .toList());
  }

  private static Release release(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Release(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        StoredJson.read(rs.getString(5), SNAPSHOT),
        rs.getLong(6),
        rs.getString(7));
  }
}
