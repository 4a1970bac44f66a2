package io.cuttle.tentacle;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a tentacle can reach one server, as its log tells it: one line per change, not per retry.
 * A reconnection is told as soon as a new TLS connection reaches a server presenting a pinned key,
 * not when the next poll returns: a poll held by the server may not return for most of a minute.
 */
final class LinkState {
  /** The tentacle's own logger: what its operator reads, and what the fleet tests capture. */
  private static final Logger log = LoggerFactory.getLogger(TentacleAgent.class);

  enum State {
    STARTING,
    CONNECTED,
    DISCONNECTED,
    REFUSED,
    PROXY_REFUSED
  }

  private final String tentacleName;
  private final String pollingUrl;
  private State state = State.STARTING;
  private String lastProblem;

  LinkState(String tentacleName, String pollingUrl) {
    this.tentacleName = tentacleName;
    this.pollingUrl = pollingUrl;
  }

  /**
   * A new TLS connection reached a server presenting a pinned key. Only a tentacle that was
   * starting or had lost the link takes that as connected: one the server refused stays refused
   * until a poll succeeds, so a refused tentacle's retries do not log "connected" each time.
   */
  synchronized void serverReached() {
    if (state == State.STARTING || state == State.DISCONNECTED) {
      change(State.CONNECTED, null);
    }
  }

  // Synchronized: several pollers fail at once when the link does, and one line must say so.
  synchronized void change(State next, String message) {
    // A proxy's answer may change while we retry, though (the admin fixed one thing, another is
    // wrong), and each new answer is worth a line.
    boolean newProxyAnswer = next == State.PROXY_REFUSED && !Objects.equals(message, lastProblem);
    if (state == next && !newProxyAnswer) {
      return;
    }
    state = next;
    lastProblem = message;
    switch (next) {
      case CONNECTED -> log.info("Tentacle '{}' connected to {}", tentacleName, pollingUrl);
      case REFUSED, PROXY_REFUSED -> log.error(message);
      default -> log.warn(message);
    }
  }
}
