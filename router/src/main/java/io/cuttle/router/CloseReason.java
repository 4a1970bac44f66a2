package io.cuttle.router;

/**
 * Why a connection ended, as the access log and {@link RouterStats} name it. The first five are
 * refusals, like the two limits: the connection never reached an upstream.
 */
public enum CloseReason {
  /** Either end closed a routed connection: the normal ending. */
  CLOSED("closed"),
  /** The first bytes were not a TLS ClientHello and no unparseable route was configured. */
  NOT_TLS("not tls"),
  /** The ClientHello declared more than {@link RouterConfig#maxClientHelloBytes()}. */
  CLIENT_HELLO_TOO_LARGE("client hello too large"),
  /** No whole ClientHello within {@link RouterConfig#clientHelloTimeout()}. */
  CLIENT_HELLO_TIMEOUT("client hello timeout"),
  /** A ClientHello that no route (and no default route) takes. */
  NO_ROUTE("no route"),
  /** The route's upstream refused the connection or did not answer in time. */
  UPSTREAM_CONNECT_FAILED("upstream connect failed"),
  /** A routed connection carried nothing for {@link RouterConfig#idleTimeout()}. */
  IDLE_TIMEOUT("idle timeout"),
  /** The global connection cap was reached; refused before reading anything. */
  CONNECTION_LIMIT("connection limit"),
  /** The client's address opened connections faster than its rate limit allows. */
  RATE_LIMITED("rate limited"),
  /** A leg failed: reset by its peer, or a write could not complete. */
  RESET("reset"),
  /** The router closed the connection because it was shutting down. */
  SHUTDOWN("router shutdown");

  private final String words;

  CloseReason(String words) {
    this.words = words;
  }

  @Override
  public String toString() {
    return words;
  }

  /** The name as a metric label: {@code not_tls}. */
  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
