package io.cuttle.wire.api;

/** Body of {@code PUT /api/users/{name}/password}. */
public record SetPasswordRequest(String password) {}
