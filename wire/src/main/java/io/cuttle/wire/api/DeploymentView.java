package io.cuttle.wire.api;

/** A deployment and the state of the task that runs it ({@code GET /api/tasks/{taskId}}). */
public record DeploymentView(
    String id,
    String project,
    String release,
    String environment,
    String taskId,
    TaskState state,
    long createdMillis,
    String createdBy) {}
