package io.cuttle.wire.api;

/** Body of {@code POST /api/api-keys}: a key for {@code user} (absent: the caller). */
public record CreateApiKeyRequest(String user, String label) {}
