package io.cuttle.tentacle;

import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.polling.v1.PollResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server thumbprints a running tentacle trusts, kept in step with the server's certificate
 * rotation: a next thumbprint announced on a poll is pinned beside the current one (in {@code
 * tentacle.json}, so a restart keeps it), and once the server presents it, it replaces the current
 * one. Polls say which next thumbprint is held, so the server activates it only when no running
 * tentacle would be cut off.
 *
 * <p>Changes are written to {@code tentacle.json} before they are used or reported: a pin the
 * server believes held must survive a restart. The file is read again before each change, so a
 * setting the command line changed meanwhile is kept.
 */
final class ServerPins {
  private static final Logger log = LoggerFactory.getLogger(ServerPins.class);

  private final TentacleHome home;
  private final String name;
  private final ServerLink server;
  private volatile Thumbprint current;
  private volatile Thumbprint next;
  private volatile boolean nextPresented;

  ServerPins(TentacleHome home, String name, ServerLink server) {
    this.home = home;
    this.name = name;
    this.server = server;
    this.current = Thumbprint.parse(server.serverThumbprint());
    this.next =
        server.nextServerThumbprint() == null
            ? null
            : Thumbprint.parse(server.nextServerThumbprint());
  }

  /** {@code tentacle.json}'s own record of this server, as it is on disk now. */
  private ServerLink onDisk(TentacleConfig config) {
    return config
        .server(server.serverUrl())
        .filter(s -> s.tentacleId().equals(server.tentacleId()))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "tentacle.json no longer lists server " + server.serverUrl()));
  }

  Set<Thumbprint> pins() {
    Thumbprint held = next;
    return held == null ? Set.of(current) : Set.of(current, held);
  }

  /** The next thumbprint this tentacle holds, for its polls; empty when none. */
  String heldNext() {
    Thumbprint held = next;
    return held == null ? "" : held.toString();
  }

  /** For log lines: what this tentacle trusts. */
  String describe() {
    Thumbprint held = next;
    return held == null ? current.toString() : current + " (and next " + held + ")";
  }

  /**
   * Called from the TLS handshake with the pin the server presented; cheap, because it runs on a
   * network thread. The switch is made on the next {@link #afterPoll}.
   */
  void presented(Thumbprint thumbprint) {
    if (thumbprint.equals(next)) {
      nextPresented = true;
    }
  }

  /**
   * Takes in what a poll's answer says about the server's certificate.
   *
   * @return the pins to trust from now on, when they changed
   */
  synchronized Optional<Set<Thumbprint>> afterPoll(PollResponse response) {
    boolean changed = false;
    if (nextPresented && next != null) {
      changed |= promote();
    }
    String announced = response.getNextServerThumbprint();
    if (!announced.isEmpty()) {
      changed |= pin(Thumbprint.parse(announced));
    }
    return changed ? Optional.of(pins()) : Optional.empty();
  }

  private boolean promote() {
    Thumbprint promoted = next;
    try {
      TentacleConfig config = TentacleConfig.load(home);
      ServerLink stored = onDisk(config);
      if (promoted.toString().equals(stored.nextServerThumbprint())) {
        config.withServerPins(stored.withNextServerThumbprintPromoted()).save(home);
      }
    } catch (IOException | RuntimeException e) {
      log.warn(
          "The server now presents its next certificate {}, but tentacle '{}' cannot record that"
              + " in {} ({}); trying again after the next poll",
          promoted,
          name,
          home.configFile(),
          e.getMessage());
      return false;
    }
    log.info(
        "The server switched to its next certificate {}; tentacle '{}' now trusts it alone"
            + " (was {})",
        promoted,
        name,
        current);
    current = promoted;
    next = null;
    nextPresented = false;
    return true;
  }

  private boolean pin(Thumbprint announced) {
    if (announced.equals(current) || announced.equals(next)) {
      return false;
    }
    try {
      TentacleConfig config = TentacleConfig.load(home);
      config.withServerPins(onDisk(config).withNextServerThumbprint(announced)).save(home);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "The server announced its next certificate {}, but tentacle '{}' cannot pin it in {}"
              + " ({}); it will be cut off when the server switches unless this is fixed",
          announced,
          name,
          home.configFile(),
          e.getMessage());
      return false;
    }
    log.info(
        "The server announced its next certificate {}; tentacle '{}' trusts it beside {} from now"
            + " on",
        announced,
        name,
        current);
    next = announced;
    return true;
  }
}
