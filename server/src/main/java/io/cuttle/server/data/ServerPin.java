package io.cuttle.server.data;

/**
 * What a registered tentacle last said about the server's next certificate.
 *
 * @param nextServerThumbprint the next server thumbprint it holds pinned, or null
 * @param lastSeenAt when it last polled, or null if it never has
 */
public record ServerPin(String name, String nextServerThumbprint, Long lastSeenAt) {}
