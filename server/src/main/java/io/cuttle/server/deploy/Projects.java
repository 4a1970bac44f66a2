package io.cuttle.server.deploy;

import io.cuttle.server.data.Column;
import io.cuttle.server.data.CommandLog;
import io.cuttle.server.data.EnvironmentStore;
import io.cuttle.server.data.Ids;
import io.cuttle.server.data.ProjectStore;
import io.cuttle.server.data.Secrets;
import io.cuttle.server.data.StoredVariable;
import io.cuttle.server.tasks.Validation;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.EnvironmentView;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.ProjectView;
import io.cuttle.wire.api.VariableRequest;
import io.cuttle.wire.api.VariableView;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Projects, their deployment process and their variables, checked before anything is stored. */
public final class Projects {
  private static final Logger log = LoggerFactory.getLogger(Projects.class);
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");
  private static final int MAX_DESCRIPTION = Column.PROJECTS_DESCRIPTION.maxChars();
  private static final int MAX_VALUE_BYTES = 8 * 1024;

  private final ProjectStore projects;
  private final EnvironmentStore environments;
  private final Secrets secrets;
  private final Clock clock;

  public Projects(
      ProjectStore projects, EnvironmentStore environments, Secrets secrets, Clock clock) {
    this.projects = projects;
    this.environments = environments;
    this.secrets = secrets;
    this.clock = clock;
  }

  public List<ProjectView> list() {
    return projects.list();
  }

  public ProjectView get(String name) {
    return projects.jdbi().withHandle(h -> find(h, name));
  }

  ProjectView find(Handle h, String name) {
    return projects
        .find(h, name)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "no project '" + name + "'; list them with GET /api/projects"));
  }

  public ProjectView create(ProjectRequest request, String caller) {
    ProjectView project =
        new ProjectView(
            Ids.newId("P-"),
            Validation.name("name", request.name()),
            description(request.description()),
            ProcessRules.validSteps(request.steps()));
    projects
        .jdbi()
        .useTransaction(
            h -> {
              if (projects.find(h, project.name()).isPresent()) {
                throw ApiException.conflict(
                    "a project named '"
                        + project.name()
                        + "' exists already; change it with PUT /api/projects/"
                        + project.name());
              }
              projects.insert(h, project, clock.millis());
            });
    log.info("Project '{}' created by {}", project.name(), caller);
    return project;
  }

  /** Replaces a project's name, description and process; releases made before keep theirs. */
  public ProjectView replace(String name, ProjectRequest request, String caller) {
    String newName = Validation.name("name", request.name());
    String description = description(request.description());
    var steps = ProcessRules.validSteps(request.steps());
    ProjectView updated =
        projects
            .jdbi()
            .inTransaction(
                h -> {
                  ProjectView existing = find(h, name);
                  if (!newName.equals(existing.name()) && projects.find(h, newName).isPresent()) {
                    throw ApiException.conflict(
                        "a project named '" + newName + "' exists already; pick another name");
                  }
                  ProjectView project = new ProjectView(existing.id(), newName, description, steps);
                  projects.update(h, project, clock.millis());
                  return project;
                });
    log.info("Project '{}' changed by {}", updated.name(), caller);
    return updated;
  }

  public void delete(String name, String caller) {
    projects
        .jdbi()
        .useTransaction(
            h -> {
              ProjectView project = find(h, name);
              int releases = projects.releaseCount(h, project.id());
              if (releases > 0) {
                throw ApiException.conflict(
                    "project '"
                        + project.name()
                        + "' has "
                        + releases
                        + " release(s), which keep what was deployed; it cannot be deleted");
              }
              projects.delete(h, project.id());
            });
    log.info("Project '{}' deleted by {}", name, caller);
  }

  public List<VariableView> variables(String projectName) {
    return projects
        .jdbi()
        .withHandle(
            h ->
                projects.variables(h, find(h, projectName).id()).stream()
                    .map(Projects::view)
                    .toList());
  }

  static VariableView view(StoredVariable v) {
    return new VariableView(
        v.id(),
        v.name(),
        v.sensitive() ? CommandLog.MASK : v.value(),
        v.sensitive(),
        v.environmentName(),
        v.role());
  }

  public VariableView addVariable(String projectName, VariableRequest request, String caller) {
    String name = variableName(request.name());
    String value = variableValue(request.value());
    boolean sensitive = Boolean.TRUE.equals(request.sensitive());
    String role = request.role() == null ? null : Validation.name("role", request.role());
    StoredVariable stored =
        projects
            .jdbi()
            .inTransaction(
                h -> {
                  ProjectView project = find(h, projectName);
                  EnvironmentView environment =
                      request.environment() == null
                          ? null
                          : environments
                              .find(h, request.environment())
                              .orElseThrow(
                                  () ->
                                      ApiException.badRequest(
                                          "environment: no environment '"
                                              + request.environment()
                                              + "'; list them with GET /api/environments"));
                  String environmentId = environment == null ? null : environment.id();
                  boolean taken =
                      projects.variables(h, project.id()).stream()
                          .anyMatch(
                              v ->
                                  v.name().equals(name)
                                      && Objects.equals(v.environmentId(), environmentId)
                                      && Objects.equals(v.role(), role));
                  if (taken) {
                    throw ApiException.conflict(
                        "project '"
                            + project.name()
                            + "' already has variable '"
                            + name
                            + "' with this scope; delete it first to change its value");
                  }
                  StoredVariable variable =
                      new StoredVariable(
                          Ids.newId("V-"),
                          name,
                          sensitive ? secrets.seal(value) : value,
                          sensitive,
                          environmentId,
                          environment == null ? null : environment.name(),
                          role);
                  projects.addVariable(h, project.id(), variable);
                  return variable;
                });
    log.info(
        "Variable '{}'{} added to project '{}' by {}",
        name,
        sensitive ? " (sensitive)" : "",
        projectName,
        caller);
    return view(stored);
  }

  public void deleteVariable(String projectName, String variableId, String caller) {
    projects
        .jdbi()
        .useTransaction(
            h -> {
              ProjectView project = find(h, projectName);
              if (!projects.deleteVariable(h, project.id(), variableId)) {
                throw ApiException.notFound(
                    "project '"
                        + project.name()
                        + "' has no variable with id '"
                        + variableId
                        + "'; list them with GET /api/projects/"
                        + project.name()
                        + "/variables");
              }
            });
    log.info("Variable {} of project '{}' deleted by {}", variableId, projectName, caller);
  }

  private static String description(String description) {
    if (description != null && description.length() > MAX_DESCRIPTION) {
      throw ApiException.badRequest(
          "description is "
              + description.length()
              + " characters (expected: at most "
              + MAX_DESCRIPTION
              + ")");
    }
    return description;
  }

  private static String variableName(String name) {
    if (name == null || !VARIABLE_NAME.matcher(name).matches()) {
      throw ApiException.badRequest(
          "name: '"
              + name
              + "' (expected: a letter or '_', then up to 99 letters, digits or '_', as scripts"
              + " see it as an environment variable)");
    }
    if (name.toUpperCase(Locale.ROOT).startsWith("CUTTLE_")) {
      throw ApiException.badRequest(
          "name: '" + name + "' starts with CUTTLE_, which the server keeps for its own variables");
    }
    return name;
  }

  private static String variableValue(String value) {
    if (value == null) {
      throw ApiException.badRequest("value is required (it may be empty: \"\")");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw ApiException.badRequest(
          "value is larger than 8 KiB; keep large content in a package or a file on the target");
    }
    return value;
  }
}
