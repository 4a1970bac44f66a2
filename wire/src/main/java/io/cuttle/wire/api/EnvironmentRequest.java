package io.cuttle.wire.api;

/** Body to create an environment, or to rename one. */
public record EnvironmentRequest(String name) {}
