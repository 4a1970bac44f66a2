package io.cuttle.wire.api;

/** How a tentacle was registered to reach the server's polling listener. */
public enum CommsStyle {
  /** Through the public port, by SNI ({@code https://polling.<host>:443}). */
  POLLING_ADDRESS,
  /** Directly to the legacy polling port (10943). */
  LEGACY_PORT
}
