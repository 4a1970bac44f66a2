package io.cuttle.server.polling;

import com.linecorp.armeria.common.ExchangeType;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.RoutingContext;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import io.cuttle.server.polling.PeerStanding.Kind;
import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.grpc.Status;
import java.time.Clock;
import java.util.concurrent.CompletionException;

/**
 * Refuses what a connection whose peer is not a registered tentacle asks for on its headers, before
 * any of its body is read: a polling call gets {@code UNAUTHENTICATED} (the refusal {@link
 * TentacleAuthenticator} gives, which gRPC would only reach once the whole message had been
 * buffered), any other request declaring a body larger than an unknown peer may send gets 413. The
 * browser page needs no body and is served. Each refusal is recorded with {@link
 * RefusedConnections}, which logs it once per peer, address and reason and counts the rest.
 *
 * <p>It also asks such a connection to close (HTTP/2 GOAWAY; a browser reconnects) after a refused
 * polling call, or once it has made {@link #MAX_REQUESTS} requests, so that one stranger's
 * connection cannot go on opening streams. {@link UnknownPeerLimits} cuts the connection off should
 * a body come anyway.
 *
 * <p>It decorates each service of the polling listener (the gRPC service and the page) rather than
 * the server: Armeria takes a route's exchange type from its service, and only a streaming one lets
 * anything see a request's headers before its body.
 */
final class UnknownPeerGate extends SimpleDecoratingHttpService {
  /** Requests an unknown peer may make on one connection: a browser's page and its icon, twice. */
  static final int MAX_REQUESTS = 8;

  private static final String POLLING_CALLS = "/" + PollingServiceGrpc.SERVICE_NAME + "/";

  private final UnknownPeerLimits limits;
  private final RefusedConnections refused;
  private final Clock clock;

  UnknownPeerGate(
      HttpService delegate, UnknownPeerLimits limits, RefusedConnections refused, Clock clock) {
    super(delegate);
    this.limits = limits;
    this.refused = refused;
    this.clock = clock;
  }

  /**
   * Every request as a stream, even a unary gRPC call: Armeria would otherwise read a unary call's
   * whole body before any service or decorator sees its headers, and this gate could only refuse
   * what had been buffered already. The gRPC service reads a unary call's message itself.
   */
  @Override
  public ExchangeType exchangeType(RoutingContext routingContext) {
    return ExchangeType.BIDI_STREAMING;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
    HttpService delegate = (HttpService) unwrap();
    PeerStanding peer = limits.standing(ctx.remoteAddress(), ctx.localAddress());
    if (peer == null) {
      return delegate.serve(ctx, req);
    }
    if (peer.kindNow() == null) {
      // A certificate is being looked up; UnknownPeerLimits holds the body back meanwhile.
      return HttpResponse.of(
          peer.decided()
              .thenApplyAsync(decided -> serveDecided(delegate, ctx, req, peer), ctx.eventLoop()));
    }
    return serveDecided(delegate, ctx, req, peer);
  }

  private HttpResponse serveDecided(
      HttpService delegate, ServiceRequestContext ctx, HttpRequest req, PeerStanding peer) {
    Kind kind = peer.kindNow();
    try {
      if (kind == Kind.REGISTERED) {
        return delegate.serve(ctx, req);
      }
      if (peer.countRequest() >= MAX_REQUESTS) {
        ctx.initiateConnectionShutdown();
      }
      if (kind == Kind.UNKNOWN && isPollingCall(req)) {
        refused.record(
            peer.thumbprint,
            ctx.clientAddress().getHostAddress(),
            peer.thumbprint.equals("-") ? "no client certificate" : "certificate not registered",
            clock.millis());
        // Nothing else on this connection will be answered either: the peer's next call should
        // come on a new one. The body it may be sending now is dropped, and the connection closed
        // once the refusal had time to arrive.
        ctx.initiateConnectionShutdown();
        limits.refused(ctx.remoteAddress(), ctx.localAddress());
        return unauthenticated();
      }
      if (req.headers().contentLength() > UnknownPeerLimits.MAX_BYTES) {
        return HttpResponse.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE);
      }
      return delegate.serve(ctx, req);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  private static boolean isPollingCall(HttpRequest req) {
    String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return req.path().startsWith(POLLING_CALLS)
        || (contentType != null && contentType.startsWith("application/grpc"));
  }

  /** A gRPC answer of trailers alone: the call ends with this status before its body is read. */
  private static HttpResponse unauthenticated() {
    return HttpResponse.of(
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(MediaType.parse("application/grpc+proto"))
            .add("grpc-status", Integer.toString(Status.Code.UNAUTHENTICATED.value()))
            .add("grpc-message", TentacleAuthenticator.REFUSAL)
            .build());
  }
}
