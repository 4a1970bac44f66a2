package io.cuttle.wire.api;

/**
 * Answer of {@code DELETE /api/tentacles/{name}}.
 *
 * @param failedCommands unfinished commands of the tentacle, failed because it is gone
 */
public record DeregisterTentacleResponse(String id, String name, int failedCommands) {}
