package io.cuttle.wire.api;

import java.util.List;

/** A task and the state of each of its targets. */
public record TaskView(
    String id,
    String description,
    TaskState state,
    long createdMillis,
    Long finishedMillis,
    List<TargetView> targets) {}
