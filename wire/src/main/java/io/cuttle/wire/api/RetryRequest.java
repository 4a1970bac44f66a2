package io.cuttle.wire.api;

/** Body to retry a deployment's failed target: its tentacle name, or the failed command's id. */
public record RetryRequest(String target) {}
