package io.cuttle.wire.api;

/** Body of {@code POST /api/users}. */
public record CreateUserRequest(String name, String password, String role) {}
