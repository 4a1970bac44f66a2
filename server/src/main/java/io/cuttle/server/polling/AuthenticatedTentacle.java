package io.cuttle.server.polling;

import io.cuttle.wire.api.Route;
import io.grpc.Context;

/**
 * Who a polling connection belongs to, decided from its certificate, and how it reached us. {@code
 * thumbprint} is the certificate presented; {@code nextCertificate} says it is the one the tentacle
 * added while rotating, not yet its only one.
 */
public record AuthenticatedTentacle(
    String id,
    String name,
    String thumbprint,
    Route route,
    String address,
    boolean nextCertificate) {
  static final Context.Key<AuthenticatedTentacle> KEY = Context.key("cuttle-tentacle");

  static AuthenticatedTentacle current() {
    return KEY.get();
  }
}
