package io.cuttle.tentacle;

import io.cuttle.common.io.AtomicFiles;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.common.pki.Thumbprint;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The instances on this machine and their identities: what {@code create-instance}, {@code
 * new-certificate}, {@code show-thumbprint} and {@code list-instances} do.
 */
public final class Instances {
  /** Where a replaced key and certificate are kept, so a mistaken replacement can be undone. */
  public static final String PREVIOUS_IDENTITY = "previous-identity";

  private static final String STAGING = ".new-identity";

  private Instances() {}

  /** What {@code list-instances} shows of one instance. */
  public record Summary(
      TentacleHome home, Thumbprint thumbprint, TentacleConfig config, String problem) {}

  public static boolean exists(TentacleHome home) {
    return Files.exists(home.directory().resolve(PemFiles.KEY_FILE))
        || Files.exists(home.directory().resolve(PemFiles.CERTIFICATE_FILE))
        || Files.exists(home.configFile());
  }

  /**
   * Makes the instance's home, key and certificate. An existing instance is refused unless {@code
   * force}; then its identity is replaced (the old one kept in {@value #PREVIOUS_IDENTITY}) and its
   * registration, which belonged to the old certificate, is set aside as {@code tentacle.json.old}.
   */
  public static Identity create(TentacleHome home, boolean force) throws IOException {
    if (exists(home)) {
      if (!force) {
        throw new IllegalStateException(
            "instance '"
                + home.instance()
                + "' already exists in "
                + home.directory()
                + "; pass --force to give it a new key and certificate and forget its registration");
      }
      if (Files.exists(home.configFile())) {
        move(home.configFile(), home.directory().resolve(TentacleHome.CONFIG_FILE + ".old"));
      }
      if (hasIdentity(home)) {
        return replaceIdentity(home);
      }
    }
    AtomicFiles.createPrivateDirectories(home.directory());
    return PemFiles.loadOrCreate(home.directory(), commonName(home), List.of());
  }

  /**
   * Gives an existing instance a new key pair, keeping the old one in {@value #PREVIOUS_IDENTITY}.
   */
  public static Identity newCertificate(TentacleHome home) throws IOException {
    if (!hasIdentity(home)) {
      throw new IllegalStateException(noInstance(home));
    }
    return replaceIdentity(home);
  }

  public static Thumbprint thumbprint(TentacleHome home) throws IOException {
    Path cert = home.directory().resolve(PemFiles.CERTIFICATE_FILE);
    if (!Files.exists(cert)) {
      throw new IllegalStateException(noInstance(home));
    }
    return Thumbprint.of(PemFiles.readCertificate(cert));
  }

  /** The registration of an instance, if it has one on file. */
  public static Optional<TentacleConfig> config(TentacleHome home) throws IOException {
    return Files.exists(home.configFile())
        ? Optional.of(TentacleConfig.load(home))
        : Optional.empty();
  }

  /** Every instance under {@code base} (null: the default base), by name. */
  public static List<Summary> list(Path base) throws IOException {
    Path root = base == null ? TentacleHome.defaultBase() : base;
    List<Summary> summaries = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return summaries;
    }
    List<Path> folders;
    try (Stream<Path> children = Files.list(root)) {
      folders = children.filter(Files::isDirectory).sorted().toList();
    }
    for (Path folder : folders) {
      TentacleHome home;
      try {
        home = TentacleHome.of(folder.getFileName().toString(), root);
      } catch (IllegalArgumentException e) {
        continue; // not an instance name, so not ours
      }
      if (!exists(home)) {
        continue;
      }
      summaries.add(summarize(home));
    }
    return summaries;
  }

  private static Summary summarize(TentacleHome home) {
    // One broken instance must not hide the others: its problem is shown in its row.
    Thumbprint thumbprint = null;
    TentacleConfig config = null;
    String problem = null;
    try {
      thumbprint = thumbprint(home);
    } catch (IOException | RuntimeException e) {
      problem = e.getMessage();
    }
    try {
      config = config(home).orElse(null);
    } catch (IOException e) {
      problem = e.getMessage();
    }
    return new Summary(home, thumbprint, config, problem);
  }

  private static boolean hasIdentity(TentacleHome home) {
    return Files.exists(home.directory().resolve(PemFiles.KEY_FILE))
        && Files.exists(home.directory().resolve(PemFiles.CERTIFICATE_FILE));
  }

  /**
   * Writes the new pair in full beside the old one first, copies the old pair away, then renames
   * the new files into place: at no moment is there no key at all, and the old pair can always be
   * restored from {@value #PREVIOUS_IDENTITY}.
   */
  private static Identity replaceIdentity(TentacleHome home) throws IOException {
    Identity identity = newIdentity(home);
    Path staging = home.directory().resolve(STAGING);
    PemFiles.write(staging, identity);
    installIdentity(home, staging);
    return identity;
  }

  /** A new key pair and certificate for {@code home}, not yet stored anywhere. */
  static Identity newIdentity(TentacleHome home) {
    return SelfSignedCertificates.create(commonName(home), List.of());
  }

  /**
   * Makes the pair stored in full in {@code staging} the instance's own: copies the old pair to
   * {@value #PREVIOUS_IDENTITY}, then renames the new files into place and removes {@code staging}.
   */
  static void installIdentity(TentacleHome home, Path staging) throws IOException {
    Path dir = home.directory();
    Path previous = dir.resolve(PREVIOUS_IDENTITY);
    AtomicFiles.createPrivateDirectories(previous);
    for (String file : List.of(PemFiles.KEY_FILE, PemFiles.CERTIFICATE_FILE)) {
      Files.copy(
          dir.resolve(file),
          previous.resolve(file),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    for (String file : List.of(PemFiles.KEY_FILE, PemFiles.CERTIFICATE_FILE)) {
      move(staging.resolve(file), dir.resolve(file));
    }
    Files.deleteIfExists(staging);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String commonName(TentacleHome home) {
    return "cuttle-tentacle " + home.instance();
  }

  static String noInstance(TentacleHome home) {
    return "there is no instance '"
        + home.instance()
        + "' in "
        + home.directory().getParent()
        + " (no key and certificate); make one with 'cuttle tentacle create-instance --instance "
        + home.instance()
        + "'";
  }
}
