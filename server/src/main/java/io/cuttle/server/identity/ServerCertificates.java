package io.cuttle.server.identity;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.data.ServerPin;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.wire.api.ServerCertificateStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotation of the server's own certificate, as an admin drives it: create the next one, watch the
 * tentacles pin it (every poll announces it and says whether the tentacle holds it), then activate
 * it once no tentacle that is online would be cut off.
 */
public final class ServerCertificates {
  private static final Logger log = LoggerFactory.getLogger(ServerCertificates.class);

  /** Switches to the next certificate, recording it wherever other nodes must learn of it. */
  @FunctionalInterface
  public interface Activation {
    Identity activate() throws IOException;
  }

  private final ServerIdentities identities;
  private final Activation activation;
  private final TentacleStore tentacles;
  private final Clock clock;
  private final Duration onlineWindow;

  /**
   * @param activation {@code identities::activate} for a single server
   * @param onlineWindow how recently a tentacle must have polled to count as online
   */
  public ServerCertificates(
      ServerIdentities identities,
      Activation activation,
      TentacleStore tentacles,
      Clock clock,
      Duration onlineWindow) {
    this.identities = identities;
    this.activation = activation;
    this.tentacles = tentacles;
    this.clock = clock;
    this.onlineWindow = onlineWindow;
  }

  public ServerCertificateStatus status() {
    Thumbprint next = identities.next().map(Identity::thumbprint).orElse(null);
    List<ServerPin> pins = tentacles.serverPins();
    long onlineSince = clock.millis() - onlineWindow.toMillis();
    int pinned = 0;
    List<String> onlineWithout = new ArrayList<>();
    List<String> offlineWithout = new ArrayList<>();
    for (ServerPin pin : pins) {
      if (next != null && next.toString().equals(pin.nextServerThumbprint())) {
        pinned++;
      } else if (next != null) {
        boolean online = pin.lastSeenAt() != null && pin.lastSeenAt() >= onlineSince;
        (online ? onlineWithout : offlineWithout).add(pin.name());
      }
    }
    return new ServerCertificateStatus(
        identities.current().thumbprint().toString(),
        next == null ? null : next.toString(),
        identities.previous().map(i -> i.thumbprint().toString()).orElse(null),
        pins.size(),
        pinned,
        onlineWithout,
        offlineWithout);
  }

  /**
   * Makes the next certificate; tentacles learn it on their next poll.
   *
   * @param fromPrevious reuse the certificate the last activation replaced, to go back to it
   * @throws IllegalStateException when {@code fromPrevious} but there is none
   */
  public synchronized ServerCertificateStatus createNext(boolean fromPrevious) throws IOException {
    Identity created = fromPrevious ? identities.nextFromPrevious() : identities.createNext();
    log.info(
        "Made {} the next server certificate; tentacles pin it as they poll. Activate it with"
            + " 'cuttle server-certificate activate' once 'status' shows every online tentacle"
            + " holds it",
        created.thumbprint());
    return status();
  }

  /**
   * Presents the next certificate from now on.
   *
   * @param force activate even though online tentacles lack the pin; they are then refused until
   *     registered again
   * @throws IllegalStateException when there is no next certificate, or an online tentacle does not
   *     hold it and {@code force} is false; the message names them and what to do
   */
  public synchronized ServerCertificateStatus activate(boolean force) throws IOException {
    ServerCertificateStatus before = status();
    if (before.nextThumbprint() == null) {
      throw new IllegalStateException(
          "there is no next server certificate to activate; create one with 'cuttle"
              + " server-certificate new'");
    }
    if (!before.onlineWithoutPin().isEmpty() && !force) {
      throw new IllegalStateException(
          "not activating "
              + before.nextThumbprint()
              + ": online tentacles do not hold it yet: "
              + String.join(", ", before.onlineWithoutPin())
              + ". Wait until they have polled (see 'cuttle server-certificate status'), or pass"
              + " --force to cut them off; they would then need 'cuttle tentacle register --force'");
    }
    Identity activated = activation.activate();
    log.warn(
        "Activated server certificate {} (was {}); new connections present it.{}",
        activated.thumbprint(),
        before.currentThumbprint(),
        before.offlineWithoutPin().isEmpty() && before.onlineWithoutPin().isEmpty()
            ? ""
            : " Tentacles without the pin must be registered again: "
                + String.join(", ", concat(before.onlineWithoutPin(), before.offlineWithoutPin())));
    return status();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
