package io.cuttle.wire.api;

/** How a tentacle stands, as the tentacles page and the CLI show it. */
public enum TentacleStatus {
  /** In contact within the online window, and nothing known wrong with it. */
  ONLINE,
  /** Not in contact within the online window. */
  OFFLINE,
  /**
   * In contact, but its last health check failed or found a problem, or it is older than the
   * server's minimum tentacle version.
   */
  UNHEALTHY
}
