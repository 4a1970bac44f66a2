package io.cuttle.wire.api;

/** An API key as listed: never its value, which is shown once, when it is created. */
public record ApiKeyView(
    String id, String user, String label, long createdMillis, Long revokedMillis) {

  /** Answer to {@code POST /api/api-keys}: the key's value, shown this once. */
  public record Created(ApiKeyView apiKey, String key) {}
}
