package io.cuttle.server.data;

import io.cuttle.wire.api.CommsStyle;
import java.util.List;

/** Tentacles stored straight into a test's database: registered, never seen polling. */
public final class TestTentacles {
  private TestTentacles() {}

  /** A tentacle on the legacy port, version 1, with no capabilities, registered at time 0. */
  public static TentacleRecord record(
      String id, String name, String thumbprint, String environment, List<String> roles) {
    return new TentacleRecord(
        id,
        name,
        thumbprint,
        environment,
        roles,
        CommsStyle.LEGACY_PORT,
        "https://localhost:1",
        "1",
        List.of(),
        null,
        0,
        null,
        null,
        null);
  }
}
