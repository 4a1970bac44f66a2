package io.cuttle.wire.api;

/**
 * Body of {@code POST /api/registration-tokens}.
 *
 * @param expiresInSeconds how long the token may be used; null for the default (24 hours)
 */
public record CreateRegistrationTokenRequest(Long expiresInSeconds) {}
