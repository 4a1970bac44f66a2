package io.cuttle.wire.api;

/** What a client needs to know about a server before it talks to it. */
public record ServerInfo(
    String version, String webUrl, String pollingUrl, int legacyPollingPort, String thumbprint) {}
