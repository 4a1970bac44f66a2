package io.cuttle.wire.api;

/**
 * A new one-time registration token. The server keeps only its hash, so this answer is the only
 * time {@code token} is shown.
 */
public record RegistrationToken(String id, String token, long expiresAt) {}
