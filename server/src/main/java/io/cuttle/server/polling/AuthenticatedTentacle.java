package io.cuttle.server.polling;

import io.cuttle.wire.api.Route;
import io.grpc.Context;

/** Who a polling connection belongs to, decided from its certificate, and how it reached us. */
public record AuthenticatedTentacle(
    String id, String name, String thumbprint, Route route, String address) {
  static final Context.Key<AuthenticatedTentacle> KEY = Context.key("cuttle-tentacle");

  static AuthenticatedTentacle current() {
    return KEY.get();
  }
}
