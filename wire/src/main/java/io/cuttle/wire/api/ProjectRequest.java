package io.cuttle.wire.api;

import java.util.List;

/** Body to create a project or replace its description and deployment process. */
public record ProjectRequest(String name, String description, List<StepSpec> steps) {}
