package io.cuttle.server.polling;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who a polling connection's peer is, decided once per connection when its TLS handshake is done: a
 * registered tentacle, or anyone else (no certificate, or one the server does not know). The second
 * kind is held to {@link UnknownPeerLimits}, and its calls are refused on their headers by {@link
 * UnknownPeerGate}, so nothing it sends is buffered.
 */
final class PeerStanding {
  enum Kind {
    REGISTERED,
    UNKNOWN
  }

  /** The presented certificate's thumbprint, or "-" when the peer presented none. */
  final String thumbprint;

  private final CompletableFuture<Kind> kind = new CompletableFuture<>();
  private final AtomicInteger requests = new AtomicInteger();

  PeerStanding(String thumbprint) {
    this.thumbprint = thumbprint;
  }

  /** Completes when the certificate was looked up: at once for a peer without one. */
  CompletableFuture<Kind> kind() {
    return kind;
  }

  void decide(Kind decided) {
    kind.complete(decided);
  }

  /** Counts one more request on this connection and says how many there have been. */
  int countRequest() {
    return requests.incrementAndGet();
  }
}
