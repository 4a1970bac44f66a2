package io.cuttle.wire.api;

/**
 * One health check of a tentacle: the task it ran in, where it stands, and what the tentacle
 * reported. {@code message} says in plain words why a failed check failed.
 */
public record HealthCheckView(
    String taskId,
    CommandState state,
    long queuedMillis,
    Long finishedMillis,
    String message,
    Long freeDiskBytes,
    String details) {

  /** Whether it has an outcome yet. */
  public boolean finished() {
    return state.finished();
  }
}
