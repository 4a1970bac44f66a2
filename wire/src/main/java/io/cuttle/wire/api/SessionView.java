package io.cuttle.wire.api;

/**
 * Who is signed in. {@code csrfToken} must come back in the {@code X-CSRF-Token} header of every
 * write made with the session cookie.
 */
public record SessionView(String user, String role, String csrfToken, long expiresMillis) {}
