package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.client.ApiException;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.api.TentacleView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a followed task waits for, said while no output arrives: at once, which of its tentacles are
 * offline (they collect their part when they next poll, which may be minutes away); then, every so
 * often, which targets have not started and which still run. Without it a script sent to an offline
 * tentacle printed nothing until its pickup timeout, ten minutes by default.
 */
final class TaskProgress {
  private final ApiClient api;
  private final PrintWriter out;
  private final Duration every;
  private final long startedAt = System.nanoTime();
  private long lastPrintedAt = System.nanoTime();

  TaskProgress(ApiClient api, PrintWriter out, Duration every) {
    this.api = api;
    this.out = out;
    this.every = every;
  }

  /** Names the task's tentacles that are offline now, if any. */
  void announceOffline(TaskView task) {
    List<String> offline = offlineAmong(waiting(task));
    if (!offline.isEmpty()) {
      out.println(
          "Offline now: "
              + String.join(", ", offline)
              + ". "
              + (offline.size() == 1 ? "It collects" : "They collect")
              + " the task when "
              + (offline.size() == 1 ? "it returns" : "they return")
              + ", within the pickup timeout; waiting.");
      printed();
    }
  }

  /** Output was printed: the next progress line is due a full interval from now. */
  void printed() {
    lastPrintedAt = System.nanoTime();
  }

  /** Nothing new arrived: says what the task waits for, when nothing was said for a while. */
  void idle(TaskView task) {
    if (Duration.ofNanos(System.nanoTime() - lastPrintedAt).compareTo(every) < 0) {
      return;
    }
    List<TargetView> waiting = waiting(task);
    List<String> running =
        task.targets().stream()
            .filter(t -> running(t.state()))
            .map(t -> TaskPrinter.label(t.stepName(), t.tentacleName()))
            .toList();
    if (waiting.isEmpty() && running.isEmpty()) {
      return;
    }
    Set<String> offline = Set.copyOf(offlineAmong(waiting));
    List<String> parts = new ArrayList<>();
    if (!waiting.isEmpty()) {
      parts.add(
          "not started on "
              + waiting.stream()
                  .map(
                      t ->
                          TaskPrinter.label(t.stepName(), t.tentacleName())
                              + (offline.contains(t.tentacleName()) ? " (offline)" : ""))
                  .collect(Collectors.joining(", ")));
    }
    if (!running.isEmpty()) {
      parts.add("running on " + String.join(", ", running));
    }
    out.println(
        "Still waiting after "
            + Duration.ofNanos(System.nanoTime() - startedAt).toSeconds()
            + " s: "
            + String.join("; ", parts)
            + ".");
    out.flush();
    printed();
  }

  private static List<TargetView> waiting(TaskView task) {
    return task.targets().stream()
        .filter(t -> t.state() == CommandState.QUEUED || t.state() == CommandState.PENDING)
        .toList();
  }

  private static boolean running(CommandState state) {
    return state == CommandState.DISPATCHED || state == CommandState.RUNNING;
  }

  /** The names of the tentacles of {@code targets} that are offline, each once. */
  private List<String> offlineAmong(List<TargetView> targets) {
    if (targets.isEmpty()) {
      return List.of();
    }
    List<TentacleView> tentacles;
    try {
      tentacles = api.tentacles();
    } catch (ApiException e) {
      return List.of(); // progress is a courtesy: a failed look-up must not end the follow
    }
    Set<String> names = targets.stream().map(TargetView::tentacleName).collect(Collectors.toSet());
    return tentacles.stream()
        .filter(t -> names.contains(t.name()) && !t.online())
        .map(TentacleView::name)
        .sorted()
        .toList();
  }
}
