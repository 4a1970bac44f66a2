package io.cuttle.wire.api;

/** Body of {@code POST /api/login}. */
public record LoginRequest(String name, String password) {}
