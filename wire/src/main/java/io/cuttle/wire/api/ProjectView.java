package io.cuttle.wire.api;

import java.util.List;

/** A project and its deployment process, steps in the order they run. */
public record ProjectView(String id, String name, String description, List<StepSpec> steps) {}
