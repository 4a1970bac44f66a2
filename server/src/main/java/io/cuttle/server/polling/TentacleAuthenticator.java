package io.cuttle.server.polling;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.wire.api.Route;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.function.IntPredicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Decides who a polling call comes from, after the TLS handshake, from the certificate the
 * connection was made with: TLS accepts any client certificate so that this one place can refuse
 * with a reason in the log and a generic answer to the peer.
 */
final class TentacleAuthenticator implements ServerInterceptor {
  static final String REFUSAL = "this tentacle's certificate is not registered with the server";

  private final TentacleStore tentacles;
  private final RefusedConnections refused;
  private final UnknownPeerLimits connections;
  private final IntPredicate isRoutedPort;
  private final Clock clock;

  TentacleAuthenticator(
      TentacleStore tentacles,
      RefusedConnections refused,
      UnknownPeerLimits connections,
      IntPredicate isRoutedPort,
      Clock clock) {
    this.tentacles = tentacles;
    this.refused = refused;
    this.connections = connections;
    this.isRoutedPort = isRoutedPort;
    this.clock = clock;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServiceRequestContext ctx = ServiceRequestContext.current();
    String address = ctx.clientAddress().getHostAddress();
    Route route =
        isRoutedPort.test(((InetSocketAddress) ctx.localAddress()).getPort())
            ? Route.ROUTER
            : Route.LEGACY;
    Optional<Thumbprint> thumbprint = peerThumbprint(ctx.sslSession());
    if (thumbprint.isEmpty()) {
      refused.record("-", address, "no client certificate", clock.millis());
      call.close(Status.UNAUTHENTICATED.withDescription(REFUSAL), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Optional<TentacleRecord> tentacle = tentacles.findByThumbprint(thumbprint.get().toString());
    if (tentacle.isEmpty()) {
      refused.record(
          thumbprint.get().toString(), address, "certificate not registered", clock.millis());
      // Registered when the connection was made, withdrawn since (on another node, say): the
      // connection is held to an unknown peer's limits from now on.
      connections.noLongerRegistered(ctx.remoteAddress(), ctx.localAddress());
      call.close(Status.UNAUTHENTICATED.withDescription(REFUSAL), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    TentacleRecord t = tentacle.get();
    String presented = thumbprint.get().toString();
    Context context =
        Context.current()
            .withValue(
                AuthenticatedTentacle.KEY,
                new AuthenticatedTentacle(
                    t.id(),
                    t.name(),
                    presented,
                    route,
                    address,
                    !t.thumbprint().equals(presented)));
    return Contexts.interceptCall(context, call, headers, next);
  }

  /** The thumbprint of the certificate the peer presented, if it presented one. */
  static Optional<Thumbprint> peerThumbprint(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509
          ? Optional.of(Thumbprint.of(x509))
          : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
