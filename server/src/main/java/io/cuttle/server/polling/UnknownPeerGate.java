package io.cuttle.server.polling;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.cuttle.server.polling.PeerStanding.Kind;

/**
 * Asks a connection whose peer is not a registered tentacle to close (HTTP/2 GOAWAY; a browser
 * reconnects) once it has made {@link #MAX_REQUESTS} requests, so that one stranger's connection
 * cannot go on opening streams. Its calls themselves are refused by {@link TentacleAuthenticator},
 * and {@link UnknownPeerLimits} cuts the connection off before a message body of any size arrives.
 */
final class UnknownPeerGate implements DecoratingHttpServiceFunction {
  /** Requests an unknown peer may make on one connection: a browser's page and its icon, twice. */
  static final int MAX_REQUESTS = 8;

  private final UnknownPeerLimits limits;

  UnknownPeerGate(UnknownPeerLimits limits) {
    this.limits = limits;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    PeerStanding peer = limits.standing(ctx.remoteAddress(), ctx.localAddress());
    if (peer != null
        && peer.kind().getNow(null) == Kind.UNKNOWN
        && peer.countRequest() >= MAX_REQUESTS) {
      ctx.initiateConnectionShutdown();
    }
    return delegate.serve(ctx, req);
  }
}
