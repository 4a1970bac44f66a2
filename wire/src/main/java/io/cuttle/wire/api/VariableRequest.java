package io.cuttle.wire.api;

/**
 * Body to add a project variable. {@code environment} and {@code role} narrow where it applies;
 * null means any.
 */
public record VariableRequest(
    String name, String value, Boolean sensitive, String environment, String role) {}
