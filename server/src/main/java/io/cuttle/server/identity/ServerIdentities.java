package io.cuttle.server.identity;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.SelfSignedCertificates;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The server's own key pairs in its data directory: the one it presents ({@code identity/}), the
 * next one tentacles are learning ({@code identity-next/}), and the one the last activation
 * replaced ({@code identity-previous/}). Each is a {@code key.pem} (owner-only) and {@code
 * cert.pem} pair.
 *
 * <p>Every change ends in a directory rename, so a pair is never seen half-written. Activation is
 * two renames (current to previous, next to current); a crash between them leaves only next and
 * previous, which {@link #open} recognises and completes, rather than making a new key that no
 * tentacle trusts.
 */
public final class ServerIdentities {
  static final String CURRENT = "identity";
  static final String NEXT = "identity-next";
  static final String PREVIOUS = "identity-previous";

  private final Path data;
  private final String commonName;
  private final List<String> dnsNames;
  private volatile Identity current;
  private volatile Identity next;
  private volatile Identity previous;

  private ServerIdentities(Path data, String commonName, Collection<String> dnsNames) {
    this.data = data;
    this.commonName = commonName;
    this.dnsNames = List.copyOf(dnsNames);
  }

  /**
   * Loads the identities in {@code data}, making the current one on first start, and completing an
   * activation a crash interrupted.
   */
  public static ServerIdentities open(Path data, String commonName, Collection<String> dnsNames)
      throws IOException {
    ServerIdentities identities = new ServerIdentities(data, commonName, dnsNames);
    Path current = data.resolve(CURRENT);
    if (!Files.exists(current)
        && Files.isDirectory(data.resolve(NEXT))
        && Files.isDirectory(data.resolve(PREVIOUS))) {
      move(data.resolve(NEXT), current);
    }
    identities.current = PemFiles.loadOrCreate(current, commonName, dnsNames);
    identities.next = readIfPresent(data.resolve(NEXT));
    identities.previous = readIfPresent(data.resolve(PREVIOUS));
    return identities;
  }

  /**
   * Whether {@code data} holds a server identity already (or an activation to complete), so that
   * {@link #open} would make no new key pair.
   */
  public static boolean existsIn(Path data) {
    Path current = data.resolve(CURRENT);
    return Files.exists(current.resolve(PemFiles.KEY_FILE))
        || Files.exists(current.resolve(PemFiles.CERTIFICATE_FILE))
        || (Files.isDirectory(data.resolve(NEXT)) && Files.isDirectory(data.resolve(PREVIOUS)));
  }

  private static Identity readIfPresent(Path directory) throws IOException {
    return Files.isDirectory(directory) ? PemFiles.read(directory) : null;
  }

  /** The identity presented on every new connection. */
  public Identity current() {
    return current;
  }

  public Optional<Identity> next() {
    return Optional.ofNullable(next);
  }

  public Optional<Identity> previous() {
    return Optional.ofNullable(previous);
  }

  /** Makes a new key pair to rotate to, replacing a next one not yet activated. */
  public synchronized Identity createNext() throws IOException {
    return makeNext(SelfSignedCertificates.create(commonName, dnsNames));
  }

  /**
   * Makes the pair the last activation replaced the next one again, to rotate back to it.
   *
   * @throws IllegalStateException when no activation has replaced one yet
   */
  public synchronized Identity nextFromPrevious() throws IOException {
    if (previous == null) {
      throw new IllegalStateException(
          "there is no previous server certificate: none was activated yet");
    }
    return makeNext(previous);
  }

  private Identity makeNext(Identity created) throws IOException {
    Path staging = data.resolve("." + NEXT + ".new");
    deleteIdentityDirectory(staging);
    PemFiles.write(staging, created);
    deleteIdentityDirectory(data.resolve(NEXT));
    move(staging, data.resolve(NEXT));
    next = created;
    return created;
  }

  /**
   * Makes the next identity the current one and keeps the current as previous (replacing the one
   * kept before), so it can be rotated back to.
   *
   * @throws IllegalStateException when there is no next identity
   */
  public synchronized Identity activate() throws IOException {
    if (next == null) {
      throw new IllegalStateException("there is no next server certificate to activate");
    }
    deleteIdentityDirectory(data.resolve(PREVIOUS));
    move(data.resolve(CURRENT), data.resolve(PREVIOUS));
    move(data.resolve(NEXT), data.resolve(CURRENT));
    previous = current;
    current = next;
    next = null;
    return current;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Deletes a directory holding one key pair (and stray temporary files); absent is fine. */
  private static void deleteIdentityDirectory(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(directory);
  }
}
