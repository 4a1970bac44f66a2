package io.cuttle.wire.api;

/**
 * Polling connections the server refused from one place for one reason: an unregistered certificate
 * (thumbprint given), no certificate, or a peer not trusted to send a PROXY header (thumbprint "-":
 * it was closed before TLS).
 */
public record RefusedConnection(
    String thumbprint,
    String address,
    String reason,
    long attempts,
    long firstSeenMillis,
    long lastSeenMillis) {}
