package io.cuttle.wire.api;

/**
 * One tentacle's part of a task. In a deployment there is one per step per target; {@code
 * stepIndex} (from 0) and {@code stepName} say which step, and are null for other tasks.
 */
public record TargetView(
    String commandId,
    String tentacleId,
    String tentacleName,
    CommandState state,
    Integer exitCode,
    String message,
    Route route,
    Integer stepIndex,
    String stepName) {}
