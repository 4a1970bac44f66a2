package io.cuttle.wire.api;

/** A polling connection refused because its certificate is not registered. */
public record RefusedConnection(
    String thumbprint, String address, long firstSeenMillis, long lastSeenMillis) {}
