package io.cuttle.server.data;

import io.cuttle.wire.api.CommsStyle;
import io.cuttle.wire.api.Route;
import java.util.List;

/** A registered tentacle as stored. */
public record TentacleRecord(
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
    long registeredAt,
    Long lastSeenAt,
    Route lastRoute,
    String lastAddress) {}
