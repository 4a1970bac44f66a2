package io.cuttle.wire.api;

import java.util.List;

/**
 * Body of {@code POST /api/tentacles}. {@code createEnvironment}: true adds an environment the
 * server does not have; false refuses it (a misspelt name must not make a new environment); null,
 * as older clients send it, keeps the old behaviour of adding it.
 */
public record RegisterTentacleRequest(
    String name,
    String thumbprint,
    String environment,
    List<String> roles,
    CommsStyle commsStyle,
    String commsAddress,
    String version,
    boolean force,
    Boolean createEnvironment) {

  /** A request as clients before {@code createEnvironment} made it. */
  public RegisterTentacleRequest(
      String name,
      String thumbprint,
      String environment,
      List<String> roles,
      CommsStyle commsStyle,
      String commsAddress,
      String version,
      boolean force) {
    this(name, thumbprint, environment, roles, commsStyle, commsAddress, version, force, null);
  }
}
