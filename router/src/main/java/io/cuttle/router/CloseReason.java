package io.cuttle.router;

/** Why a connection ended, as the access log and statistics name it. */
public enum CloseReason {
  CLOSED("closed"),
  NOT_TLS("not tls"),
  CLIENT_HELLO_TOO_LARGE("client hello too large"),
  CLIENT_HELLO_TIMEOUT("client hello timeout"),
  NO_ROUTE("no route"),
  UPSTREAM_CONNECT_FAILED("upstream connect failed"),
  IDLE_TIMEOUT("idle timeout"),
  RESET("reset"),
  SHUTDOWN("router shutdown");

  private final String words;

  CloseReason(String words) {
    this.words = words;
  }

  @Override
  public String toString() {
    return words;
  }
}
