package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.client.TaskFollower;
import io.cuttle.common.text.TerminalText;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Prints a task's output as it arrives, each line prefixed by its target and the route that
 * target's tentacle used, then one summary line per target. Everything a tentacle supplied goes
 * through {@link TerminalText}, so its output cannot drive the admin's terminal or print a line
 * without its own target's prefix.
 */
final class TaskPrinter {
  private final ApiClient api;
  private final PrintWriter out;
  private final Map<String, String> prefixes = new HashMap<>();
  private int width;

  TaskPrinter(ApiClient api, PrintWriter out) {
    this.api = api;
    this.out = out;
  }

  /** Follows the task to its end; true when every target succeeded. */
  boolean follow(TaskView task) throws InterruptedException {
    width =
        task.targets().stream()
            .mapToInt(t -> label(t.stepName(), t.tentacleName()).length())
            .max()
            .orElse(0);
    out.println("Task " + task.id() + ": " + task.description());
    out.flush();
    TaskView finished = new TaskFollower(api).follow(task.id(), line -> print(task.id(), line));
    out.println();
    out.println("Results:");
    for (TargetView target : finished.targets()) {
      out.printf(
          "  %-" + width + "s  %-22s  %s%n",
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

  private void print(String taskId, LogEntry line) {
    String label = label(line.stepName(), line.tentacleName());
    String prefix = prefixes.get(label);
    if (prefix == null) {
      Route route =
          api.task(taskId).targets().stream()
              .filter(t -> label(t.stepName(), t.tentacleName()).equals(label))
              .map(TargetView::route)
              .findFirst()
              .orElse(null);
      prefix = String.format("[%-" + width + "s | %s] ", label, routeLabel(route));
      prefixes.put(label, prefix);
    }
    String stream = "stderr".equals(line.stream()) ? "! " : "";
    for (String physical : TerminalText.lines(line.text())) {
      out.println(prefix + stream + physical);
    }
    out.flush();
  }

  /** A target's name, after its deployment step's when it has one. */
  private static String label(String stepName, String tentacleName) {
    String tentacle = TerminalText.field(tentacleName);
    return stepName == null ? tentacle : TerminalText.field(stepName) + " / " + tentacle;
  }

  static String routeLabel(Route route) {
    return route == null ? "not collected" : route.label();
  }
}
