package io.cuttle.wire.api;

import java.util.List;

/** A release: the project's process and variables as they were when it was created. */
public record ReleaseView(
    String id,
    String project,
    String version,
    List<StepSpec> steps,
    List<VariableView> variables,
    long createdMillis,
    String createdBy) {}
