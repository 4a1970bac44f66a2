package io.cuttle.wire.api;

/** Body of {@code PUT /api/users/{name}/role}. */
public record SetRoleRequest(String role) {}
