package io.cuttle.server.polling;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who a polling connection's peer is, decided when its TLS handshake is done: a registered
 * tentacle, or anyone else (no certificate, or one the server does not know). The second kind is
 * held to {@link UnknownPeerLimits}, and its calls are refused on their headers by {@link
 * UnknownPeerGate}, so nothing it sends is buffered. A registered tentacle whose trust is withdrawn
 * while its connection is open becomes unknown from then on ({@link #revoke}).
 */
final class PeerStanding {
  enum Kind {
    REGISTERED,
    UNKNOWN,
    /**
     * It presented a certificate the server could not look up (the database was down): held to the
     * strangers' budget, but its calls go on to {@link TentacleAuthenticator}, which answers
     * UNAVAILABLE while the database is down, a status tentacles retry.
     */
    UNCHECKED
  }

  /** The presented certificate's thumbprint, or "-" when the peer presented none. */
  final String thumbprint;

  private final CompletableFuture<Kind> decided = new CompletableFuture<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String tentacleId;
  private volatile boolean revoked;

  PeerStanding(String thumbprint) {
    this.thumbprint = thumbprint;
  }

  /** Completes when the certificate was looked up: at once for a peer without one. */
  CompletableFuture<Kind> decided() {
    return decided;
  }

  /** What the peer is now, or null while its certificate is being looked up. */
  Kind kindNow() {
    Kind kind = decided.getNow(null);
    return kind == Kind.REGISTERED && revoked ? Kind.UNKNOWN : kind;
  }

  void decide(Kind kind) {
    decided.complete(kind);
  }

  void registeredAs(String id) {
    tentacleId = id;
    decide(Kind.REGISTERED);
  }

  /** The registered tentacle this connection belongs to, or null. */
  String tentacleId() {
    return tentacleId;
  }

  /**
   * Withdraws a registered tentacle's standing.
   *
   * @return true if it was registered and is unknown from now on, false if nothing changed
   */
  synchronized boolean revoke() {
    if (revoked || decided.getNow(null) != Kind.REGISTERED) {
      return false;
    }
    revoked = true;
    return true;
  }

  /** Counts one more request on this connection and says how many there have been. */
  int countRequest() {
    return requests.incrementAndGet();
  }
}
