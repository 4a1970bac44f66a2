package io.cuttle.wire.api;

/** A server node using the database, as {@code GET /api/nodes} lists it. */
public record NodeView(
    String name,
    // Where the node itself is reached, past any router, e.g. https://10.0.0.11:8443.
    String address,
    String version,
    // The server certificate the node presented when last seen; every node presents the same one.
    String thumbprint,
    // Seen within three of its heartbeats.
    boolean online,
    long startedMillis,
    long lastSeenMillis,
    // Tentacles holding a poll on the node, and how many polls they hold, when it was last seen.
    int tentaclesPolling,
    int heldPolls,
    // True for the node that answered this request.
    boolean thisNode) {}
