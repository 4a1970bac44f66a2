package io.cuttle.tentacle;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.Thumbprint;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that {@code rotate-certificate} gave the running instance a new key pair and switches the
 * polling connection to it. Rotation is a separate command (often run by hand or by a timer), so
 * the running tentacle learns of it from its files: checking one small file every few seconds is
 * simpler and more portable than file-system events.
 */
final class IdentityWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdentityWatcher.class);
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  private final Path directory;
  private final PollingConnection connection;
  private final ScheduledExecutorService timer;

  IdentityWatcher(Path directory, PollingConnection connection, String name, Duration interval) {
    this.directory = directory;
    this.connection = connection;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "tentacle-" + name + "-identity");
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleWithFixedDelay(
        this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  void check() {
    Identity current = connection.identity();
    Identity onDisk;
    try {
      onDisk = PemFiles.read(directory);
    } catch (IOException | RuntimeException e) {
      return; // mid-rename, or damaged: the running key still works, so keep it and look again
    }
    Thumbprint next = onDisk.thumbprint();
    if (next.equals(current.thumbprint())) {
      return;
    }
    if (!matches(onDisk)) {
      return; // key.pem renamed, cert.pem not yet: the pair is complete on a later check
    }
    log.info(
        "This tentacle's certificate changed from {} to {}; polling with the new one from now on",
        current.thumbprint(),
        next);
    connection.switchIdentity(onDisk);
  }

  /** Whether the key is the private half of the certificate's public key. */
  private static boolean matches(Identity identity) {
    try {
      String algorithm =
          identity.privateKey().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      byte[] probe = "cuttle identity check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(identity.privateKey());
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(identity.certificate().getPublicKey());
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
