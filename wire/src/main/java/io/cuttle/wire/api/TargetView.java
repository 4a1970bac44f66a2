package io.cuttle.wire.api;

/** One tentacle's part of a task. */
public record TargetView(
    String commandId,
    String tentacleId,
    String tentacleName,
    CommandState state,
    Integer exitCode,
    String message,
    Route route) {}
