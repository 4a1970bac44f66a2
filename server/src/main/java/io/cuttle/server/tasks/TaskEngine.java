package io.cuttle.server.tasks;

import io.cuttle.server.data.Cancellations;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.Ids;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.packages.PackageCoordinates;
import io.cuttle.server.packages.PackageFormat;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.DeployPackageRequest;
import io.cuttle.wire.api.PackageView;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.DeployPackage;
import io.cuttle.wire.polling.v1.Isolation;
import io.cuttle.wire.polling.v1.RunScript;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns requests into commands queued for tentacles, and fails the ones that cannot finish: not
 * collected within their pickup timeout, or running on a tentacle that went silent.
 */
public final class TaskEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskEngine.class);
  public static final int MAX_SCRIPT_BYTES = 256 * 1024;

  /** How long commands may wait and how long a tentacle may be silent. */
  public record Timing(
      Duration defaultPickupTimeout, Duration silenceTimeout, Duration sweepInterval) {}

  private final TentacleStore tentacles;
  private final TaskStore tasks;
  private final CommandQueue queue;
  private final PackageStore packages;
  private final Cancellations cancellations;
  private final PollWaiters waiters;
  private final Clock clock;
  private final Timing timing;
  private final DatabaseAvailability database;
  private final ScheduledFuture<?> sweeper;

  public TaskEngine(
      TentacleStore tentacles,
      TaskStore tasks,
      CommandQueue queue,
      PackageStore packages,
      PollWaiters waiters,
      Clock clock,
      Timing timing,
      DatabaseAvailability database,
      ScheduledExecutorService scheduler) {
    this.tentacles = tentacles;
    this.tasks = tasks;
    this.queue = queue;
    this.packages = packages;
    this.cancellations = new Cancellations(tasks.jdbi(), tasks.events());
    this.waiters = waiters;
    this.clock = clock;
    this.timing = timing;
    this.database = database;
    long every = timing.sweepInterval().toMillis();
    this.sweeper =
        scheduler.scheduleWithFixedDelay(this::sweepSafely, every, every, TimeUnit.MILLISECONDS);
  }

  public TaskView runScript(RunScriptRequest request, String caller) {
    RunScript.Builder script = script(request.script(), request.syntax(), request.timeoutSeconds());
    Duration pickupTimeout = pickupTimeout(request.pickupTimeoutSeconds());
    Isolation isolation = isolation(request.allowConcurrency(), request.mutex());
    List<TentacleRecord> targets =
        targets(request.environment(), request.roles(), request.tentacles());
    return queue(
        "Run script on " + count(targets),
        caller,
        targets,
        pickupTimeout,
        (taskId, target) ->
            Command.newBuilder()
                .setRunScript(withVariables(script, taskId, target))
                .setIsolation(isolation));
  }

  /**
   * Queues a DeployPackage command per matching tentacle. Every target must have reported that it
   * can extract the package's format: an older tentacle would not know the command.
   */
  public TaskView deployPackage(DeployPackageRequest request, String caller) {
    PackageCoordinates coordinates = PackageCoordinates.of(request.packageId(), request.version());
    PackageView stored =
        packages
            .find(coordinates)
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "no package "
                            + coordinates
                            + " is stored; push it first (cuttle package push)"));
    RunScript.Builder script =
        request.script() == null || request.script().isEmpty()
            ? RunScript.newBuilder()
                .setSyntax(RunScript.Syntax.BASH)
                .setTimeoutMillis(runTimeoutMillis(request.timeoutSeconds()))
            : script(request.script(), request.syntax(), request.timeoutSeconds());
    Duration pickupTimeout = pickupTimeout(request.pickupTimeoutSeconds());
    Isolation isolation = isolation(request.allowConcurrency(), request.mutex());
    PackageFormat format = packages.format(stored);
    List<TentacleRecord> targets =
        targets(request.environment(), request.roles(), request.tentacles());
    format.requireCapableTargets(targets);
    return queue(
        "Deploy " + coordinates + " to " + count(targets),
        caller,
        targets,
        pickupTimeout,
        (taskId, target) ->
            Command.newBuilder()
                .setDeployPackage(
                    DeployPackage.newBuilder()
                        .setPackageId(stored.id())
                        .setVersion(stored.version())
                        .setSha256(stored.sha256())
                        .setSize(stored.sizeBytes())
                        .setFormat(format.wire())
                        .setScript(
                            withVariables(script, taskId, target)
                                .putVariables("CUTTLE_PACKAGE_ID", stored.id())
                                .putVariables("CUTTLE_PACKAGE_VERSION", stored.version())))
                .setIsolation(isolation));
  }

  private static RunScript.Builder script(String body, String syntax, Long timeoutSeconds) {
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest("script is required and must not be blank");
    }
    if (body.getBytes(StandardCharsets.UTF_8).length > MAX_SCRIPT_BYTES) {
      throw ApiException.badRequest(
          "script is larger than "
              + MAX_SCRIPT_BYTES / 1024
              + " KiB; ship large scripts in a package");
    }
    return RunScript.newBuilder()
        .setSyntax(ScriptSyntax.parse(syntax))
        .setBody(body)
        .setTimeoutMillis(runTimeoutMillis(timeoutSeconds));
  }

  private static RunScript.Builder withVariables(
      RunScript.Builder script, String taskId, TentacleRecord target) {
    return script
        .clone()
        .putVariables("CUTTLE_TASK_ID", taskId)
        .putVariables("CUTTLE_TENTACLE_NAME", target.name())
        .putVariables("CUTTLE_ENVIRONMENT", target.environment());
  }

  private List<TentacleRecord> targets(
      String environmentFilter, List<String> roleFilter, List<String> nameFilter) {
    return Targets.select(tentacles.list(), environmentFilter, roleFilter, nameFilter);
  }

  private static String count(List<TentacleRecord> targets) {
    return targets.size() + " tentacle" + (targets.size() == 1 ? "" : "s");
  }

  /** How the command for one target of a new task looks, before it gets its id. */
  @FunctionalInterface
  private interface CommandFor {
    Command.Builder build(String taskId, TentacleRecord target);
  }

  private TaskView queue(
      String description,
      String caller,
      List<TentacleRecord> targets,
      Duration pickupTimeout,
      CommandFor commandFor) {
    String taskId = Ids.newId("K-");
    long now = clock.millis();
    tasks
        .jdbi()
        .useTransaction(
            h -> {
              tasks.create(h, taskId, description, caller, now);
              for (TentacleRecord target : targets) {
                Command command =
                    commandFor.build(taskId, target).setCommandId(Ids.newId("C-")).build();
                queue.enqueue(h, taskId, target.id(), command, now, now + pickupTimeout.toMillis());
              }
            });
    targets.forEach(t -> waiters.signal(t.id()));
    log.atInfo()
        .addKeyValue("task", taskId)
        .log("Task {} queued by {}: {}", taskId, caller, description);
    return tasks.find(taskId).orElseThrow();
  }

  /** Alone on each tentacle unless the request allows concurrency; no mutex unless it names one. */
  private static Isolation isolation(Boolean allowConcurrency, String mutex) {
    Isolation.Builder isolation =
        Isolation.newBuilder().setAllowConcurrency(Boolean.TRUE.equals(allowConcurrency));
    if (mutex != null) {
      isolation.setMutex(Validation.name("mutex", mutex));
    }
    return isolation.build();
  }

  private Duration pickupTimeout(Long seconds) {
    if (seconds == null) {
      return timing.defaultPickupTimeout();
    }
    if (seconds < 1 || seconds > 7 * 24 * 3600) {
      throw ApiException.badRequest(
          "pickupTimeoutSeconds: " + seconds + " (expected: 1 to 604800)");
    }
    return Duration.ofSeconds(seconds);
  }

  /** Zero, the tentacle's own default, when the request names none. */
  private static long runTimeoutMillis(Long seconds) {
    if (seconds == null) {
      return 0;
    }
    if (seconds < 1 || seconds > 7 * 24 * 3600) {
      throw ApiException.badRequest("timeoutSeconds: " + seconds + " (expected: 1 to 604800)");
    }
    return seconds * 1000;
  }

  /**
   * Cancels every target of the task that has not finished. Queued ones end at once; running ones
   * end when their tentacle, told on its next poll, has killed the script. Asking again is harmless
   * and answers the same way; a task that finished otherwise is a conflict.
   */
  public TaskView cancel(String taskId, String caller) {
    Cancellations.Outcome outcome =
        cancellations
            .cancelTask(taskId, caller, clock.millis())
            .orElseThrow(() -> ApiException.notFound("no task '" + taskId + "'"));
    TaskState before = TaskState.valueOf(outcome.stateBefore());
    if (before.finished() && before != TaskState.CANCELLED) {
      throw ApiException.conflict(
          "task '" + taskId + "' already finished (" + before + "); there is nothing to cancel");
    }
    outcome.tentaclesToTell().forEach(waiters::signal);
    if (before == TaskState.RUNNING) {
      log.info(
          "Task {} cancelled by {}; {} tentacle(s) told to stop",
          taskId,
          caller,
          outcome.tentaclesToTell().size());
    }
    return tasks.find(taskId).orElseThrow();
  }

  private void sweepSafely() {
    try {
      sweep();
    } catch (RuntimeException | Error e) {
      if (database.failed(e)) {
        return;
      }
      log.warn("Could not check for overdue commands; will retry: {}", e.toString());
      log.debug("Sweep failure", e);
    }
  }

  /** Fails commands that can no longer finish. Public so tests can run it without waiting. */
  public void sweep() {
    long now = clock.millis();
    long silentBefore = now - timing.silenceTimeout().toMillis();
    // While the database was unavailable no tentacle could collect, report or be seen: give them
    // a silence timeout after it is back before holding any of that against them.
    if (database.lastOutageEnded().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE)
        > silentBefore) {
      return;
    }
    int expired =
        tasks.failWhere(
            "c.state IN ('QUEUED', 'DISPATCHED') AND c.pickup_deadline <= :now",
            q -> q.bind("now", now),
            o ->
                "tentacle '"
                    + o.tentacleName()
                    + "' did not collect this command before its pickup timeout ("
                    + (o.lastSeenAt() == null
                        ? "it has never polled"
                        : "last seen " + Instant.ofEpochMilli(o.lastSeenAt()))
                    + "); check that the tentacle is running and can reach "
                    + o.commsAddress(),
            now);
    int silent =
        tasks.failWhere(
            "c.state = 'RUNNING' AND (t.last_seen_at IS NULL OR t.last_seen_at < :silentBefore)",
            q -> q.bind("silentBefore", silentBefore),
            o ->
                "tentacle '"
                    + o.tentacleName()
                    + "' stopped polling while running this command (last seen "
                    + (o.lastSeenAt() == null ? "never" : Instant.ofEpochMilli(o.lastSeenAt()))
                    + "); the script's outcome is unknown",
            now);
    if (expired + silent > 0) {
      log.info(
          "Failed {} command(s) not collected in time and {} on silent tentacles", expired, silent);
    }
  }

  @Override
  public void close() {
    sweeper.cancel(false);
  }
}
