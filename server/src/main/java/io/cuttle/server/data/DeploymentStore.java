package io.cuttle.server.data;

import io.cuttle.wire.api.DeploymentView;
import io.cuttle.wire.api.TaskState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Deployments: which release went to which environment, run by which task. */
public final class DeploymentStore {
  private static final String SELECT =
      "SELECT d.id, p.name, r.version, e.name, d.task_id, t.state, d.created_at, d.created_by"
          + " FROM deployments d JOIN releases r ON r.id = d.release_id"
          + " JOIN projects p ON p.id = r.project_id"
          + " JOIN environments e ON e.id = d.environment_id JOIN tasks t ON t.id = d.task_id";

  private final Jdbi jdbi;

  public DeploymentStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public void insert(
      Handle h,
      String id,
      String releaseId,
      String environmentId,
      String taskId,
      long now,
      String createdBy) {
    h.createUpdate(
            "INSERT INTO deployments (id, release_id, environment_id, task_id, created_at,"
                + " created_by) VALUES (:id, :release, :environment, :task, :now, :by)")
        .bind("id", id)
        .bind("release", releaseId)
        .bind("environment", environmentId)
        .bind("task", taskId)
        .bind("now", now)
        .bind("by", createdBy)
        .execute();
  }

  /** The deployment with this id, or run by the task with this id. */
  public Optional<DeploymentView> find(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery(SELECT + " WHERE d.id = :id OR d.task_id = :id")
                .bind("id", id)
                .map(DeploymentStore::view)
                .findOne());
  }

  /** The newest deployments first, at most {@code limit}. */
  public List<DeploymentView> recent(int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(SELECT + " ORDER BY d.created_at DESC, d.id FETCH FIRST :limit ROWS ONLY")
                .bind("limit", limit)
                .map(DeploymentStore::view)
                .list());
  }

  /**
   * The newest deployment of each project to each environment; with {@code succeededOnly}, the
   * newest that succeeded.
   */
  public List<DeploymentView> newestPerProjectAndEnvironment(boolean succeededOnly) {
    String newest =
        "SELECT ranked.id FROM (SELECT d2.id, ROW_NUMBER() OVER (PARTITION BY r2.project_id,"
            + " d2.environment_id ORDER BY d2.created_at DESC, d2.id DESC) AS newness"
            + " FROM deployments d2 JOIN releases r2 ON r2.id = d2.release_id"
            + " JOIN tasks t2 ON t2.id = d2.task_id"
            + (succeededOnly ? " WHERE t2.state = 'SUCCEEDED'" : "")
            + ") ranked WHERE ranked.newness = 1";
    return jdbi.withHandle(
        h ->
            h.createQuery(SELECT + " WHERE d.id IN (" + newest + ")")
                .map(DeploymentStore::view)
                .list());
  }

  private static DeploymentView view(ResultSet rs, StatementContext ctx) throws SQLException {
    return new DeploymentView(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        TaskState.valueOf(rs.getString(6)),
        rs.getLong(7),
        rs.getString(8));
  }
}
