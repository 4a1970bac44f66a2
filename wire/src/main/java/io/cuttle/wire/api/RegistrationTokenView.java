package io.cuttle.wire.api;

/**
 * A registration token as listed: never its value, which is shown once, at creation. {@code usedBy}
 * is the tentacle it registered, once it has.
 */
public record RegistrationTokenView(
    String id,
    String createdBy,
    long createdMillis,
    long expiresMillis,
    Long usedMillis,
    String usedBy,
    Long revokedMillis) {}
