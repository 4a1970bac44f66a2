package io.cuttle.wire.api;

/** Body to deploy a project's release (by version) to an environment (by name). */
public record DeployRequest(String project, String release, String environment) {}
