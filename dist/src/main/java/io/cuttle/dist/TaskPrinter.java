package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.client.ApiException;
import io.cuttle.client.TaskFollower;
import io.cuttle.common.text.TerminalText;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Prints a task's output as it arrives, each line prefixed by its target and the route that
 * target's tentacle used, then one summary line per target. Everything a tentacle supplied goes
 * through {@link TerminalText}, so its output cannot drive the admin's terminal or print a line
 * without its own target's prefix. While nothing arrives it says what the task waits for (see
 * {@link TaskProgress}); a lost connection is said on the error stream and the follow goes on from
 * the last line printed.
 */
final class TaskPrinter implements TaskFollower.Watcher {
  /** Shown in the route column for a target no tentacle collected. */
  static final String NO_ROUTE = "-";

  private final ApiClient api;
  private final PrintWriter out;
  private final PrintWriter err;
  private final TaskProgress progress;
  private final Map<String, String> prefixes = new HashMap<>();
  private int width;
  private boolean disconnected;

  TaskPrinter(ApiClient api, PrintWriter out) {
    this(api, out, out, FollowOptions.DEFAULT_PROGRESS_EVERY);
  }

  TaskPrinter(ApiClient api, PrintWriter out, PrintWriter err, Duration progressEvery) {
    this.api = api;
    this.out = out;
    this.err = err;
    this.progress = new TaskProgress(api, out, progressEvery);
  }

  /** Follows the task to its end; true when every target succeeded. */
  boolean follow(TaskView task) throws InterruptedException {
    width =
        task.targets().stream()
            .mapToInt(t -> label(t.stepName(), t.tentacleName()).length())
            .max()
            .orElse(0);
    out.println("Task " + task.id() + ": " + task.description());
    progress.announceOffline(task);
    out.flush();
    TaskView finished;
    try {
      finished = new TaskFollower(api).watch(task.id(), this);
    } catch (ApiException e) {
      if (e.status() != 0) {
        throw e;
      }
      // The follower gave up on an unreachable server; the task itself goes on.
      throw new ApiException(
          e.getMessage() + ". Follow it again later with: cuttle task watch " + task.id(), e);
    }
    out.println();
    out.println("Results:");
    for (TargetView target : finished.targets()) {
      out.printf(
          "  %-" + width + "s  %-15s  %s%n",
          label(target.stepName(), target.tentacleName()),
          routeLabel(target.route()),
          outcome(target));
    }
    out.println(
        switch (finished.state()) {
          case SUCCEEDED -> "All targets succeeded.";
          case CANCELLED -> "Task cancelled.";
          default -> "Some targets failed.";
        });
    out.flush();
    return finished.state() == TaskState.SUCCEEDED;
  }

  static String outcome(TargetView target) {
    String message = target.message() == null ? null : TerminalText.field(target.message());
    if (target.state() == CommandState.PENDING) {
      return message == null ? "not started" : message;
    }
    if (target.state() == CommandState.CANCELLED) {
      // The server's and tentacle's words already start with "cancelled"; do not say it twice.
      String words = message == null ? "" : message;
      return words.startsWith("cancelled") ? words : "cancelled: " + words;
    }
    return target.exitCode() != null && message == null
        ? "succeeded (exit code " + target.exitCode() + ")"
        : "FAILED: " + message;
  }

  @Override
  public void line(LogEntry line, TaskView task) {
    String label = label(line.stepName(), line.tentacleName());
    String prefix =
        prefixes.computeIfAbsent(
            label,
            l ->
                String.format(
                    "[%-" + width + "s | %s] ",
                    l,
                    routeLabel(
                        task.targets().stream()
                            .filter(t -> label(t.stepName(), t.tentacleName()).equals(l))
                            .map(TargetView::route)
                            .filter(r -> r != null)
                            .findFirst()
                            .orElse(null))));
    String stream = "stderr".equals(line.stream()) ? "! " : "";
    for (String physical : TerminalText.lines(line.text())) {
      out.println(prefix + stream + physical);
    }
    out.flush();
    progress.printed();
  }

  @Override
  public void idle(TaskView task) {
    progress.idle(task);
  }

  @Override
  public void connectionLost(ApiException failure, Duration retryIn) {
    if (disconnected) {
      return; // said once per outage; the retries go on quietly
    }
    disconnected = true;
    err.println(
        "Lost the connection to the server ("
            + failure.getMessage()
            + "); the task goes on there. Trying again, from the last line printed.");
    err.flush();
  }

  @Override
  public void reconnected() {
    disconnected = false;
    err.println("Reconnected to the server; following the task on.");
    err.flush();
  }

  /** A target's name, after its deployment step's when it has one. */
  static String label(String stepName, String tentacleName) {
    String tentacle = TerminalText.field(tentacleName);
    return stepName == null ? tentacle : TerminalText.field(stepName) + " / " + tentacle;
  }

  static String routeLabel(Route route) {
    return route == null ? NO_ROUTE : route.label();
  }
}
