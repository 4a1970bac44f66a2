package io.cuttle.wire.api;

import java.util.List;

/**
 * Body of {@code POST /api/tasks/scripts}: run one script on every tentacle that matches. An empty
 * or absent filter matches everything; all given filters must match. {@code timeoutSeconds} bounds
 * how long the script may run once started (absent: the tentacle's default, one hour); a script
 * that outlives it is killed with everything it started.
 */
public record RunScriptRequest(
    String script,
    String syntax,
    String environment,
    List<String> roles,
    List<String> tentacles,
    Long pickupTimeoutSeconds,
    Long timeoutSeconds) {}
