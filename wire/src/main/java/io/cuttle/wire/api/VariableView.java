package io.cuttle.wire.api;

/** A project variable; a sensitive one's value is always shown as {@code ********}. */
public record VariableView(
    String id, String name, String value, boolean sensitive, String environment, String role) {}
