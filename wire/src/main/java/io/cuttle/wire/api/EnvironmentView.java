package io.cuttle.wire.api;

/** An environment; {@code position} orders them, lowest first (e.g. Dev, Test, Production). */
public record EnvironmentView(String id, String name, int position) {}
