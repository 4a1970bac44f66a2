package io.cuttle.server.identity;

import io.cuttle.common.pki.Identity;
import io.cuttle.server.data.ClusterIdentityStore;
import io.cuttle.server.data.ClusterIdentityStore.Recorded;
import io.cuttle.server.data.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the nodes sharing one database on one identity. The first node to start records the
 * thumbprint of the certificate it presents and a fingerprint of its secrets key; a node that
 * presents another certificate or holds another key is refused at start, before it serves anyone,
 * with what differs and what to copy from where. Activating the next certificate records it under
 * the same lock, so the nodes started after an activation must present the activated one.
 *
 * <p>Only the current certificate counts: it is what every tentacle is shown, and a tentacle that
 * has seen the activated one trusts nothing else (decision 0005). A node's next or previous
 * certificate is not compared: nodes may differ there for a while during a rotation, harmlessly.
 */
public final class ClusterIdentity {
  private static final Logger log = LoggerFactory.getLogger(ClusterIdentity.class);
  private static final String GUIDE = "see docs/high-availability.md";

  /** Loads (or on the first node, makes) the node's identities once it may. */
  @FunctionalInterface
  public interface Opener {
    ServerIdentities open() throws IOException;
  }

  private final ClusterIdentityStore store;
  private final Secrets secrets;
  private final String nodeName;
  private final Clock clock;

  public ClusterIdentity(
      ClusterIdentityStore store, Secrets secrets, String nodeName, Clock clock) {
    this.store = store;
    this.secrets = secrets;
    this.nodeName = nodeName;
    this.clock = clock;
  }

  /**
   * Opens the node's identities in {@code data} if they match the recorded ones, or records them if
   * this is the first node. A node missing its identity or key is refused before either is made, so
   * the operator only has to copy them in.
   *
   * @throws IllegalStateException when the node must not join; nothing is recorded then
   */
  public ServerIdentities join(Path data, Opener opener) throws IOException {
    return store.locked(
        (recorded, record) -> {
          if (recorded.isEmpty()) {
            ServerIdentities identities = opener.open();
            record.accept(
                new Recorded(
                    identities.current().thumbprint().toString(),
                    secrets.fingerprint(),
                    nodeName,
                    clock.millis()));
            log.info(
                "Recorded server certificate {} and this node's secrets key as the ones every node"
                    + " sharing this database must have",
                identities.current().thumbprint());
            return identities;
          }
          Recorded cluster = recorded.get();
          List<String> missing = new ArrayList<>();
          if (!ServerIdentities.existsIn(data)) {
            missing.add(data.resolve(ServerIdentities.CURRENT) + "/ is missing");
          }
          if (!Files.exists(secrets.keyFile())) {
            missing.add(secrets.keyFile() + " is missing");
          }
          if (!missing.isEmpty()) {
            throw refusal(
                String.join(" and ", missing) + " (nothing was made in their place)",
                "copy identity/ and secrets.key from "
                    + source(cluster)
                    + " into "
                    + data
                    + " and start this node again");
          }
          ServerIdentities identities = opener.open();
          return checked(data, identities, cluster);
        });
  }

  private ServerIdentities checked(Path data, ServerIdentities identities, Recorded cluster) {
    String presented = identities.current().thumbprint().toString();
    boolean certificateDiffers = !presented.equals(cluster.serverThumbprint());
    boolean keyDiffers = !secrets.fingerprint().equals(cluster.secretsFingerprint());
    if (!certificateDiffers && !keyDiffers) {
      return identities;
    }
    List<String> differences = new ArrayList<>();
    if (certificateDiffers) {
      differences.add(
          data.resolve(ServerIdentities.CURRENT).resolve("cert.pem")
              + " has thumbprint "
              + presented
              + ", but every node here presents "
              + cluster.serverThumbprint()
              + ", the only one tentacles accept");
    }
    if (keyDiffers) {
      differences.add(
          secrets.keyFile()
              + " is another key than the one the other nodes encrypt sensitive values with"
              + " (its fingerprint differs), so this node could not read them");
    }
    boolean activatedSince =
        certificateDiffers
            && identities
                .next()
                .map(next -> next.thumbprint().toString().equals(cluster.serverThumbprint()))
                .orElse(false);
    String remedy;
    if (activatedSince) {
      remedy =
          cluster.recordedBy()
              + " activated this node's next certificate since: replace identity/ and"
              + " identity-previous/ in "
              + data
              + " with copies of those in "
              + source(cluster)
              + ", delete identity-next/ there"
              + (keyDiffers ? ", copy secrets.key too" : "")
              + " and start this node again";
    } else {
      remedy =
          "replace "
              + (certificateDiffers && keyDiffers
                  ? "identity/ and secrets.key"
                  : certificateDiffers ? "identity/" : "secrets.key")
              + " in "
              + data
              + " with copies of those in "
              + source(cluster)
              + " and start this node again";
    }
    throw refusal(String.join("; ", differences), remedy);
  }

  private static String source(Recorded cluster) {
    return cluster.recordedBy() + "'s data directory";
  }

  private IllegalStateException refusal(String problem, String remedy) {
    return new IllegalStateException(
        "node "
            + nodeName
            + " cannot join the nodes sharing this database, which must all present one server"
            + " certificate and hold one secrets key: "
            + problem
            + ". To fix it, "
            + remedy
            + " ("
            + GUIDE
            + ")");
  }

  /**
   * Activates the node's next certificate and records it as the one every node must present, both
   * or neither.
   *
   * @throws IllegalStateException when there is no next certificate, or another node activated a
   *     certificate since this node started (this node then presents one the others do not)
   */
  public Identity activate(ServerIdentities identities) throws IOException {
    return store.locked(
        (recorded, record) -> {
          String presented = identities.current().thumbprint().toString();
          if (recorded.isPresent() && !recorded.get().serverThumbprint().equals(presented)) {
            throw new IllegalStateException(
                "not activating: "
                    + recorded.get().recordedBy()
                    + " made "
                    + recorded.get().serverThumbprint()
                    + " the certificate every node presents since this node started with "
                    + presented
                    + "; activate on "
                    + recorded.get().recordedBy()
                    + " instead, or restart this node with copies of its identity/ and"
                    + " identity-previous/ ("
                    + GUIDE
                    + ", \"Rotating the server certificate with several nodes\")");
          }
          Identity activated = identities.activate();
          record.accept(
              new Recorded(
                  activated.thumbprint().toString(),
                  secrets.fingerprint(),
                  nodeName,
                  clock.millis()));
          return activated;
        });
  }
}
