package io.cuttle.server.deploy;

import io.cuttle.server.data.Column;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.data.DeploymentStore;
import io.cuttle.server.data.EnvironmentStore;
import io.cuttle.server.data.Ids;
import io.cuttle.server.data.Orchestration;
import io.cuttle.server.data.ProjectStore;
import io.cuttle.server.data.ReleaseStore;
import io.cuttle.server.data.ReleaseStore.Release;
import io.cuttle.server.data.Secrets;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.tasks.Validation;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.DashboardView;
import io.cuttle.wire.api.DeployRequest;
import io.cuttle.wire.api.DeploymentView;
import io.cuttle.wire.api.EnvironmentView;
import io.cuttle.wire.api.ProjectView;
import io.cuttle.wire.api.ReleaseView;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.v1.Command;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Releases of projects, and deployments of releases to environments. */
public final class Deployments {
  private static final Logger log = LoggerFactory.getLogger(Deployments.class);

  /** The stores deployments read and write. */
  public record Stores(
      EnvironmentStore environments,
      ProjectStore projects,
      ReleaseStore releases,
      DeploymentStore deployments,
      TaskStore tasks,
      CommandQueue queue,
      TentacleStore tentacles,
      Orchestration orchestration) {}

  private final Stores stores;
  private final Projects projects;
  private final StepKinds kinds;
  private final Secrets secrets;
  private final Orchestrator orchestrator;
  private final Clock clock;

  public Deployments(
      Stores stores,
      Projects projects,
      StepKinds kinds,
      Secrets secrets,
      Orchestrator orchestrator,
      Clock clock) {
    this.stores = stores;
    this.projects = projects;
    this.kinds = kinds;
    this.secrets = secrets;
    this.orchestrator = orchestrator;
    this.clock = clock;
  }

  /** Fixes the project's process and variables as they are now under a new version. */
  public ReleaseView createRelease(
      String projectName, CreateReleaseRequest request, String caller) {
    String version = Validation.name("version", request.version());
    Map<String, String> packageVersions =
        request.packages() == null ? Map.of() : request.packages();
    Release release =
        stores
            .projects()
            .jdbi()
            .inTransaction(
                h -> {
                  ProjectView project = projects.find(h, projectName);
                  if (stores.releases().find(h, project.id(), version).isPresent()) {
                    throw ApiException.conflict(
                        "project '"
                            + project.name()
                            + "' already has release "
                            + version
                            + "; releases never change, so pick a new version");
                  }
                  List<StepSpec> pinned = new ArrayList<>();
                  for (StepSpec step : project.steps()) {
                    pinned.add(kinds.of(step.kind(), step.name()).pin(step, packageVersions));
                  }
                  ReleaseStore.Snapshot snapshot =
                      new ReleaseStore.Snapshot(
                          pinned, stores.projects().variables(h, project.id()));
                  int stored = ReleaseStore.storedChars(snapshot);
                  if (stored > Column.RELEASES_SNAPSHOT.maxChars()) {
                    throw ApiException.conflict(
                        "project '"
                            + project.name()
                            + "' would make a release of "
                            + stored
                            + " characters as stored, its process and variables together"
                            + " (expected: at most "
                            + Column.RELEASES_SNAPSHOT.maxChars()
                            + "); move large values into a package");
                  }
                  Release made =
                      new Release(
                          Ids.newId("R-"),
                          project.id(),
                          project.name(),
                          version,
                          snapshot,
                          clock.millis(),
                          caller);
                  stores.releases().insert(h, made);
                  return made;
                });
    log.info("Release {} of project '{}' created by {}", version, release.projectName(), caller);
    return view(release);
  }

  public List<ReleaseView> releases(String projectName) {
    ProjectView project = projects.get(projectName);
    return stores.releases().list(project.id()).stream().map(Deployments::view).toList();
  }

  public ReleaseView release(String projectName, String version) {
    return view(findRelease(projectName, version));
  }

  private Release findRelease(String projectName, String version) {
    return stores
        .projects()
        .jdbi()
        .withHandle(
            h ->
                stores
                    .releases()
                    .find(h, projects.find(h, projectName).id(), version)
                    .orElseThrow(
                        () ->
                            ApiException.notFound(
                                "project '"
                                    + projectName
                                    + "' has no release '"
                                    + version
                                    + "'; list them with GET /api/projects/"
                                    + projectName
                                    + "/releases")));
  }

  private static ReleaseView view(Release r) {
    return new ReleaseView(
        r.id(),
        r.projectName(),
        r.version(),
        r.snapshot().steps(),
        r.snapshot().variables().stream().map(Projects::view).toList(),
        r.createdAt(),
        r.createdBy());
  }

  /**
   * Deploys a release to an environment: one task, with a command per step per target made now
   * (targets are the environment's tentacles with one of the step's roles) and queued step by step
   * by the orchestrator.
   */
  public DeploymentView deploy(DeployRequest request, String caller) {
    if (request.project() == null || request.release() == null || request.environment() == null) {
      throw ApiException.badRequest(
          "project, release and environment are required, e.g."
              + " {\"project\":\"shop\",\"release\":\"1.0.0\",\"environment\":\"Test\"}");
    }
    Release release = findRelease(request.project(), request.release());
    EnvironmentView environment =
        stores
            .environments()
            .find(request.environment())
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "environment: no environment '"
                            + request.environment()
                            + "'; list them with GET /api/environments"));
    List<TentacleRecord> inEnvironment =
        stores.tentacles().list().stream()
            .filter(t -> t.environment().equalsIgnoreCase(environment.name()))
            .toList();
    List<StepSpec> steps = release.snapshot().steps();
    List<List<TentacleRecord>> targetsByStep = new ArrayList<>();
    for (StepSpec step : steps) {
      List<TentacleRecord> targets =
          inEnvironment.stream()
              .filter(
                  t ->
                      step.roles().isEmpty() || t.roles().stream().anyMatch(step.roles()::contains))
              .toList();
      if (targets.isEmpty()) {
        throw ApiException.conflict(
            "step '"
                + step.name()
                + "' has no targets: no tentacle in environment '"
                + environment.name()
                + "'"
                + (step.roles().isEmpty() ? "" : " has a role in " + step.roles())
                + "; register one (GET /api/tentacles lists them)");
      }
      kinds.of(step.kind(), step.name()).checkTargets(step, targets);
      targetsByStep.add(targets);
    }
    String taskId = Ids.newId("K-");
    String deploymentId = Ids.newId("D-");
    long now = clock.millis();
    String description =
        "Deploy " + release.projectName() + " " + release.version() + " to " + environment.name();
    stores
        .tasks()
        .jdbi()
        .useTransaction(
            h -> {
              stores.tasks().createOrchestrated(h, taskId, description, caller, now);
              stores
                  .deployments()
                  .insert(h, deploymentId, release.id(), environment.id(), taskId, now, caller);
              for (int i = 0; i < steps.size(); i++) {
                StepSpec step = steps.get(i);
                StepCommands commands = kinds.of(step.kind(), step.name());
                for (TentacleRecord target : targetsByStep.get(i)) {
                  VariableScopes.Resolved variables =
                      VariableScopes.resolve(
                          release.snapshot().variables(),
                          environment.id(),
                          target.roles(),
                          secrets);
                  Command command =
                      commands
                          .command(
                              step,
                              withContext(
                                  variables.values(), taskId, release, environment, target, step))
                          .setCommandId(Ids.newId("C-"))
                          .build();
                  stores
                      .queue()
                      .addPending(
                          h,
                          taskId,
                          target.id(),
                          command,
                          new CommandQueue.StepPlace(i, step.name(), step.window()),
                          variables.sensitiveNames(),
                          now);
                }
              }
            });
    log.atInfo()
        .addKeyValue("task", taskId)
        .addKeyValue("deployment", deploymentId)
        .log(
            "Deployment {} (task {}) started by {}: {}", deploymentId, taskId, caller, description);
    orchestrator.advance(taskId);
    return stores.deployments().find(deploymentId).orElseThrow();
  }

  private static Map<String, String> withContext(
      Map<String, String> variables,
      String taskId,
      Release release,
      EnvironmentView environment,
      TentacleRecord target,
      StepSpec step) {
    Map<String, String> all = new LinkedHashMap<>(variables);
    all.put("CUTTLE_TASK_ID", taskId);
    all.put("CUTTLE_TENTACLE_NAME", target.name());
    all.put("CUTTLE_ENVIRONMENT", environment.name());
    all.put("CUTTLE_PROJECT", release.projectName());
    all.put("CUTTLE_RELEASE", release.version());
    all.put("CUTTLE_STEP", step.name());
    return all;
  }

  public DeploymentView get(String id) {
    return stores
        .deployments()
        .find(id)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "no deployment '" + id + "'; list them with GET /api/deployments"));
  }

  public List<DeploymentView> recent(int limit) {
    return stores.deployments().recent(limit);
  }

  /** Which release of each project is in each environment, and the newest deployment there. */
  public DashboardView dashboard() {
    List<String> environments =
        stores.environments().list().stream().map(EnvironmentView::name).toList();
    Map<String, DeploymentView> deployed = byProjectAndEnvironment(true);
    Map<String, DeploymentView> latest = byProjectAndEnvironment(false);
    List<DashboardView.Row> rows =
        projects.list().stream()
            .map(
                p ->
                    new DashboardView.Row(
                        p.name(),
                        environments.stream()
                            .map(
                                e ->
                                    new DashboardView.Cell(
                                        e,
                                        deployed.get(cellKey(p.name(), e)),
                                        latest.get(cellKey(p.name(), e))))
                            .toList()))
            .toList();
    return new DashboardView(environments, rows);
  }

  private Map<String, DeploymentView> byProjectAndEnvironment(boolean succeededOnly) {
    Map<String, DeploymentView> cells = new HashMap<>();
    for (DeploymentView d : stores.deployments().newestPerProjectAndEnvironment(succeededOnly)) {
      cells.put(cellKey(d.project(), d.environment()), d);
    }
    return cells;
  }

  private static String cellKey(String project, String environment) {
    return project + "\n" + environment;
  }

  /** Runs a failed target of a deployment's task again, and the rest of the process after it. */
  public TaskView retry(String taskId, String target, String caller) {
    if (target == null || target.isBlank()) {
      throw ApiException.badRequest("target is required: the tentacle name or command id to retry");
    }
    boolean found;
    try {
      found = stores.orchestration().retry(taskId, target, clock.millis());
    } catch (Orchestration.RetryRefused e) {
      throw ApiException.conflict(e.getMessage());
    }
    if (!found) {
      throw ApiException.notFound("no deployment task '" + taskId + "'");
    }
    log.info("Target '{}' of task {} retried by {}", target, taskId, caller);
    orchestrator.advance(taskId);
    return stores.tasks().find(taskId).orElseThrow();
  }
}
