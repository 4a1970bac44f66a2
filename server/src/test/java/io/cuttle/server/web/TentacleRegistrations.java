package io.cuttle.server.web;

import io.cuttle.common.pki.SelfSignedCertificates;
import java.util.List;

/** Registration bodies for tentacles that exist only on paper: none of them ever polls. */
final class TentacleRegistrations {
  private TentacleRegistrations() {}

  /** A tentacle in Dev with the role web, polled on the legacy port. */
  static String registration(String name, String thumbprint) {
    return registration(name, thumbprint, "Dev", "web");
  }

  /** A tentacle with one role, polled on the legacy port. */
  static String registration(String name, String thumbprint, String environment, String role) {
    return "{\"name\":\""
        + name
        + "\",\"thumbprint\":\""
        + thumbprint
        + "\",\"environment\":\""
        + environment
        + "\",\"roles\":[\""
        + role
        + "\"],\"commsStyle\":\"LEGACY_PORT\",\"commsAddress\":\"https://localhost:10943\"}";
  }

  /** The thumbprint of a new certificate no tentacle has. */
  static String newThumbprint() {
    return SelfSignedCertificates.create("t", List.of()).thumbprint().toString();
  }
}
