package io.cuttle.wire.api;

/**
 * A package in the server's store: its id and version, the SHA-256 its bytes are stored and
 * verified by, its size, its format ({@code zip} or {@code tar.gz}), and who pushed it when.
 */
public record PackageView(
    String id,
    String version,
    String sha256,
    long sizeBytes,
    String format,
    long uploadedMillis,
    String uploadedBy) {}
