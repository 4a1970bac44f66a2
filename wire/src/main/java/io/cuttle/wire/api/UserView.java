package io.cuttle.wire.api;

/** A user as listed; {@code lockedUntilMillis} is set while failed logins keep them out. */
public record UserView(String name, String role, long createdMillis, Long lockedUntilMillis) {}
