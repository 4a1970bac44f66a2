package io.cuttle.wire.api;

import java.util.List;

/** Body of {@code GET /api/tasks/{id}/log}: new lines and the task's state after them. */
public record TaskLog(List<LogEntry> lines, long next, TaskView task) {}
