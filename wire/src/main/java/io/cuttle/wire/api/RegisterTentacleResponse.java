package io.cuttle.wire.api;

/** What a tentacle keeps from its registration: its id and the server thumbprint to pin. */
public record RegisterTentacleResponse(String id, String name, String serverThumbprint) {}
