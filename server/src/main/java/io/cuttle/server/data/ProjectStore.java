package io.cuttle.server.data;

import com.fasterxml.jackson.core.type.TypeReference;
import io.cuttle.wire.api.ProjectView;
import io.cuttle.wire.api.StepSpec;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Projects with their deployment process, and their variables. */
public final class ProjectStore {
  private static final TypeReference<List<StepSpec>> STEPS = new TypeReference<>() {};

  private final Jdbi jdbi;

  public ProjectStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public List<ProjectView> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT id, name, description, process FROM projects ORDER BY name")
                .map(
                    (rs, ctx) ->
                        new ProjectView(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            StoredJson.read(rs.getString(4), STEPS)))
                .list());
  }

  /** The project of this name (or id). */
  public Optional<ProjectView> find(Handle h, String nameOrId) {
    return h.createQuery(
            "SELECT id, name, description, process FROM projects WHERE name = :key OR id = :key")
        .bind("key", nameOrId)
        .map(
            (rs, ctx) ->
                new ProjectView(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    StoredJson.read(rs.getString(4), STEPS)))
        .findOne();
  }

  /** How many characters of the process column these steps take. */
  public static int storedChars(List<StepSpec> steps) {
    return StoredJson.write(steps).length();
  }

  public void insert(Handle h, ProjectView project, long now) {
    write(
        h,
        "INSERT INTO projects (id, name, description, process, created_at, updated_at)"
            + " VALUES (:id, :name, :description, :process, :now, :now)",
        project,
        now);
  }

  public void update(Handle h, ProjectView project, long now) {
    write(
        h,
        "UPDATE projects SET name = :name, description = :description, process = :process,"
            + " updated_at = :now WHERE id = :id",
        project,
        now);
  }

  /** Runs {@code sql} with the project's columns and the time bound to their names. */
  private static void write(Handle h, String sql, ProjectView project, long now) {
    h.createUpdate(sql)
        .bind("id", project.id())
        .bind("name", project.name())
        .bind("description", project.description())
        .bind("process", StoredJson.write(project.steps()))
        .bind("now", now)
        .execute();
  }

  public int releaseCount(Handle h, String projectId) {
    return h.createQuery("SELECT COUNT(*) FROM releases WHERE project_id = :id")
        .bind("id", projectId)
        .mapTo(Integer.class)
        .one();
  }

  public void delete(Handle h, String projectId) {
    h.createUpdate("DELETE FROM variables WHERE project_id = :id").bind("id", projectId).execute();
    h.createUpdate("DELETE FROM projects WHERE id = :id").bind("id", projectId).execute();
  }

  public List<StoredVariable> variables(Handle h, String projectId) {
    return h.createQuery(
            "SELECT v.id, v.name, v.stored_value, v.sensitive, v.environment_id, e.name, v.role"
                + " FROM variables v LEFT JOIN environments e ON e.id = v.environment_id"
                + " WHERE v.project_id = :id ORDER BY v.name, e.name, v.role, v.id")
        .bind("id", projectId)
        .map(
            (rs, ctx) ->
                new StoredVariable(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getBoolean(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7)))
        .list();
  }

  public void addVariable(Handle h, String projectId, StoredVariable variable) {
    h.createUpdate(
            "INSERT INTO variables (id, project_id, name, stored_value, sensitive, environment_id, role)"
                + " VALUES (:id, :project, :name, :value, :sensitive, :environment, :role)")
        .bind("id", variable.id())
        .bind("project", projectId)
        .bind("name", variable.name())
        .bind("value", variable.value())
        .bind("sensitive", variable.sensitive())
        .bind("environment", variable.environmentId())
        .bind("role", variable.role())
        .execute();
  }

  public boolean deleteVariable(Handle h, String projectId, String variableId) {
    return h.createUpdate("DELETE FROM variables WHERE id = :id AND project_id = :project")
            .bind("id", variableId)
            .bind("project", projectId)
            .execute()
        == 1;
  }
}
