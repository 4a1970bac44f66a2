package io.cuttle.wire.api;

import java.util.List;

/**
 * Body of {@code POST /api/tentacles/health-check}: check every tentacle that matches. An empty or
 * absent filter matches everything; all given filters must match.
 */
public record HealthCheckRequest(String environment, List<String> roles, List<String> tentacles) {}
