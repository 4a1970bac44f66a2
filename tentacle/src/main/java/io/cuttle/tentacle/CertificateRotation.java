package io.cuttle.tentacle;

import com.google.protobuf.ByteString;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.PossessionProof;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.polling.v1.AddCertificateRequest;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code cuttle tentacle rotate-certificate}: gives a registered instance a new key pair without a
 * moment in which it cannot poll.
 *
 * <ol>
 *   <li>The new pair is written to {@value #NEXT_IDENTITY}/ first, so a failure anywhere below is
 *       resumed by running the command again, with the same key.
 *   <li>Over a polling connection made with the current certificate, the server is asked to trust
 *       the new one beside it ({@code AddCertificate}), with a signature by the new key.
 *   <li>Only then does the new pair replace the old in the instance's home (the old one is kept in
 *       {@value Instances#PREVIOUS_IDENTITY}/). A running tentacle notices within seconds and polls
 *       with the new key; the server retires the old certificate at that first poll.
 * </ol>
 */
public final class CertificateRotation {
  public static final String NEXT_IDENTITY = "next-identity";
  private static final long TIMEOUT_MILLIS = 30_000;

  private CertificateRotation() {}

  /** What changed: the instance's certificate went from {@code old} to {@code added}. */
  public record Result(Thumbprint old, Thumbprint added) {}

  public static Result rotate(TentacleHome home) throws IOException {
    return rotate(home, System.getenv());
  }

  public static Result rotate(TentacleHome home, Map<String, String> environment)
      throws IOException {
    if (!Instances.exists(home)) {
      // Not "not registered": that points at new-certificate, which needs an instance too.
      throw new IllegalStateException(Instances.noInstance(home));
    }
    TentacleConfig config =
        Instances.config(home)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "instance '"
                            + home.instance()
                            + "' is not registered; a certificate is rotated with the server that"
                            + " knows it. Use 'cuttle tentacle new-certificate' instead"));
    if (!config.registered()) {
      throw new IllegalStateException(
          "instance '"
              + home.instance()
              + "' is deregistered; use 'cuttle tentacle new-certificate', then register it");
    }
    if (!config.additionalServers().isEmpty()) {
      // Only the first server would learn the new certificate; the others would then refuse it.
      throw new IllegalStateException(
          "instance '"
              + home.instance()
              + "' polls several servers, and rotation tells only the first one. Leave the others"
              + " with 'cuttle tentacle deregister --server URL', rotate, then add them again with"
              + " 'cuttle tentacle poll-server'");
    }
    Identity current = PemFiles.read(home.directory());
    Path staging = home.directory().resolve(NEXT_IDENTITY);
    Identity next =
        Files.exists(staging.resolve(PemFiles.KEY_FILE))
                && Files.exists(staging.resolve(PemFiles.CERTIFICATE_FILE))
            ? PemFiles.read(staging)
            : write(staging, Instances.newIdentity(home));
    AddCertificateRequest request;
    try {
      request =
          AddCertificateRequest.newBuilder()
              .setTentacleId(config.tentacleId())
              .setCertificate(ByteString.copyFrom(next.certificate().getEncoded()))
              .setSignature(
                  ByteString.copyFrom(
                      PossessionProof.sign(config.tentacleId(), current.thumbprint(), next)))
              .build();
    } catch (CertificateEncodingException e) {
      throw new IOException("cannot encode the new certificate: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot sign with the new key: " + e.getMessage(), e);
    }
    try (PollingConnection connection =
        new PollingConnection(
            config.pollingUrl(),
            current,
            config.serverPins(),
            Duration.ofSeconds(5),
            config.proxySetting().policy(environment))) {
      connection
          .calls
          .withDeadlineAfter(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .addCertificate(request);
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException(
          "the server at "
              + config.pollingUrl()
              + " did not add the new certificate ("
              + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null
                  ? ""
                  : ": " + e.getStatus().getDescription())
              + "); nothing changed here, and running the command again retries with the same"
              + " new key",
          e);
    }
    Instances.installIdentity(home, staging);
    return new Result(current.thumbprint(), next.thumbprint());
  }

  private static Identity write(Path staging, Identity identity) throws IOException {
    PemFiles.write(staging, identity);
    return identity;
  }
}
