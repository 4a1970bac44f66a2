package io.cuttle.wire.api;

/**
 * A user as listed; {@code lockedUntilMillis} is set while failed logins keep them out, {@code
 * disabledMillis} since an admin disabled them.
 */
public record UserView(
    String name, String role, long createdMillis, Long lockedUntilMillis, Long disabledMillis) {}
