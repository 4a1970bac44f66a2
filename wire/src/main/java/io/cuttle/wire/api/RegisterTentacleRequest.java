package io.cuttle.wire.api;

import java.util.List;

/** Body of {@code POST /api/tentacles}. */
public record RegisterTentacleRequest(
    String name,
    String thumbprint,
    String environment,
    List<String> roles,
    CommsStyle commsStyle,
    String commsAddress,
    String version,
    boolean force) {}
