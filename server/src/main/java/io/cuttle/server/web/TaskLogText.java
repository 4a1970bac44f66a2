package io.cuttle.server.web;

import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A task's log as text a person reads: a heading per target, then that target's lines. */
final class TaskLogText {
  private TaskLogText() {}

  static String of(TaskView task, List<LogEntry> lines) {
    StringBuilder text = new StringBuilder();
    text.append("Task ")
        .append(task.id())
        .append(": ")
        .append(task.description())
        .append(" (")
        .append(task.state())
        .append(")\n");
    Map<String, List<LogEntry>> byCommand =
        lines.stream().collect(Collectors.groupingBy(LogEntry::commandId));
    for (TargetView target : task.targets()) {
      text.append("\n== ")
          .append(target.tentacleName())
          .append(": ")
          .append(target.state())
          .append(target.exitCode() == null ? "" : ", exit code " + target.exitCode())
          .append(target.message() == null ? "" : ", " + target.message())
          .append(" ==\n");
      for (LogEntry line : byCommand.getOrDefault(target.commandId(), List.of())) {
        text.append(Instant.ofEpochMilli(line.timestampMillis()))
            .append(line.stream().equals("stderr") ? " ! " : "   ")
            .append(line.text())
            .append('\n');
      }
    }
    return text.toString();
  }
}
