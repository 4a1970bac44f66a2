package io.cuttle.wire.api;

import java.util.List;

/** A registered tentacle as the API and UI show it. */
public record TentacleView(
    String id,
    String name,
    String thumbprint,
    String environment,
    List<String> roles,
    CommsStyle commsStyle,
    String commsAddress,
    String version,
    List<String> capabilities,
    String platform,
    boolean online,
    Route route,
    String address,
    Long lastSeenMillis,
    long registeredMillis,
    // Older than the server's --minimum-tentacle-version.
    boolean needsUpgrade,
    TentacleStatus status,
    // Why the tentacle is offline or unhealthy, in plain words; null when it is online.
    String problem,
    // The latest finished health check; null before the first, or for a tentacle too old to run
    // them (it lacks the capability "health-check").
    HealthCheckView lastHealthCheck,
    // True while a health check is queued or running.
    boolean healthCheckPending) {}
