package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.grpc.GrpcClients;
import io.cuttle.common.net.LoopbackAwareResolverGroup;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.PinnedTrustManager;
import io.cuttle.common.pki.PossessionProof;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.v1.AddCertificateRequest;
import io.cuttle.wire.polling.v1.AddCertificateResponse;
import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code AddCertificate} refuses what would let a tentacle take a key it does not hold, one that
 * cannot be used, or another tentacle's certificate: over real TLS to a real server, each refusal
 * is exact, nothing is stored (the refused certificate stays a stranger to the server), and the
 * tentacle goes on working with the certificate it has.
 */
@Timeout(120)
class AddCertificateRefusalTest {

  @Test
  void aSignatureByAnotherKeyIsRefusedAndNothingIsStored(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("neg-sig", false);
      Identity current = PemFiles.read(home.directory());
      Identity next = newIdentity();
      Identity impostor = newIdentity();
      // The right message, signed with a key that is not the new certificate's.
      byte[] wrongSignature =
          PossessionProof.sign(
              id(home),
              current.thumbprint(),
              new Identity(impostor.privateKey(), next.certificate()));

      StatusRuntimeException refused =
          refusal(() -> add(fleet, home, current, next.certificate(), wrongSignature));

      assertRefused(
          refused,
          Status.Code.INVALID_ARGUMENT,
          "the signature does not prove possession of the new certificate's private key");
      assertNotStored(fleet, home, next);
      assertStillWorksWithItsOldCertificate(fleet, home, current);
    }
  }

  @Test
  void anExpiredCertificateIsRefusedAndNothingIsStored(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("neg-expired", false);
      Identity current = PemFiles.read(home.directory());
      Instant now = Instant.now();
      Identity expired =
          SelfSignedCertificates.create(
              "cuttle-tentacle neg-expired",
              List.of(),
              now.minus(Duration.ofDays(2)),
              now.minus(Duration.ofDays(1)));

      StatusRuntimeException refused =
          refusal(
              () ->
                  add(
                      fleet,
                      home,
                      current,
                      expired.certificate(),
                      PossessionProof.sign(id(home), current.thumbprint(), expired)));

      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(refused.getStatus().getDescription())
          .startsWith("the new certificate is not valid now (")
          .endsWith("); make another");
      assertNotStored(fleet, home, expired);
      assertStillWorksWithItsOldCertificate(fleet, home, current);
    }
  }

  @Test
  void aCallMadeWithTheCertificateBeingAddedIsRefusedAsUnknown(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("neg-self", false);
      Identity current = PemFiles.read(home.directory());
      Identity next = newIdentity();

      // The new key vouching for itself, proof and all: the server does not know it yet.
      StatusRuntimeException refused =
          refusal(
              () ->
                  add(
                      fleet,
                      home,
                      next,
                      next.certificate(),
                      PossessionProof.sign(id(home), next.thumbprint(), next)));

      assertRefused(
          refused,
          Status.Code.UNAUTHENTICATED,
          "this tentacle's certificate is not registered with the server");
      assertThat(fleet.server.refusedConnections().list())
          .anyMatch(r -> r.thumbprint().equals(next.thumbprint().toString()));
      assertNotStored(fleet, home, next);
      assertStillWorksWithItsOldCertificate(fleet, home, current);
    }
  }

  @Test
  void anAddedCertificateCannotVouchForAnother(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("neg-vouch", false);
      Identity current = PemFiles.read(home.directory());
      Identity next = newIdentity();
      add(
          fleet,
          home,
          current,
          next.certificate(),
          PossessionProof.sign(id(home), current.thumbprint(), next));
      Identity third = newIdentity();

      // Known now, but as the certificate being added: only the current one may add another.
      StatusRuntimeException refused =
          refusal(
              () ->
                  add(
                      fleet,
                      home,
                      next,
                      third.certificate(),
                      PossessionProof.sign(id(home), next.thumbprint(), third)));

      assertRefused(
          refused,
          Status.Code.FAILED_PRECONDITION,
          "this call was made with the certificate being added; make it with the current one");
      assertNotStored(fleet, home, third);
      assertStillWorksWithItsOldCertificate(fleet, home, current);
    }
  }

  @Test
  void anotherTentaclesCurrentCertificateIsRefused(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("neg-taker", false);
      TentacleHome other = fleet.register("neg-owner", false);
      Identity current = PemFiles.read(home.directory());
      Identity others = PemFiles.read(other.directory());

      // Even with the other tentacle's key in hand (a valid proof), its certificate stays its own.
      StatusRuntimeException refused =
          refusal(
              () ->
                  add(
                      fleet,
                      home,
                      current,
                      others.certificate(),
                      PossessionProof.sign(id(home), current.thumbprint(), others)));

      assertRefused(
          refused,
          Status.Code.ALREADY_EXISTS,
          "certificate " + others.thumbprint() + " belongs to another tentacle; make another");
      assertThat(serverThumbprintOf(fleet, "neg-owner")).isEqualTo(others.thumbprint().toString());
      assertThat(serverThumbprintOf(fleet, "neg-taker")).isEqualTo(current.thumbprint().toString());
      assertStillWorksWithItsOldCertificate(fleet, home, current);
      assertStillWorksWithItsOldCertificate(fleet, other, others);
    }
  }

  private static Identity newIdentity() {
    return SelfSignedCertificates.create("cuttle-tentacle test", List.of());
  }

  private static String id(TentacleHome home) throws Exception {
    return TentacleConfig.load(home).tentacleId();
  }

  /** An {@code AddCertificate} call for {@code home}'s tentacle, made presenting {@code caller}. */
  private static AddCertificateResponse add(
      TestFleet fleet,
      TentacleHome home,
      Identity caller,
      java.security.cert.X509Certificate certificate,
      byte[] signature)
      throws Exception {
    TentacleConfig config = TentacleConfig.load(home);
    try (ClientFactory factory =
        ClientFactory.builder()
            .tls(caller.privateKey(), caller.certificate())
            .tlsCustomizer(
                tls ->
                    tls.trustManager(
                        new PinnedTrustManager(
                            Set.of(fleet.server.thumbprint()), (seen, expected) -> {})))
            .addressResolverGroupFactory(eventLoops -> LoopbackAwareResolverGroup.INSTANCE)
            .connectTimeout(Duration.ofSeconds(10))
            .build()) {
      return GrpcClients.builder(config.pollingUrl())
          .factory(factory)
          .responseTimeout(Duration.ofSeconds(30))
          .build(PollingServiceGrpc.PollingServiceBlockingStub.class)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .addCertificate(
              AddCertificateRequest.newBuilder()
                  .setTentacleId(config.tentacleId())
                  .setCertificate(ByteString.copyFrom(certificate.getEncoded()))
                  .setSignature(ByteString.copyFrom(signature))
                  .build());
    }
  }

  interface Call {
    void run() throws Exception;
  }

  private static StatusRuntimeException refusal(Call call) {
    StatusRuntimeException e =
        catchThrowableOfType(
            () -> {
              try {
                call.run();
              } catch (RuntimeException ex) {
                throw ex;
              } catch (Exception ex) {
                throw new AssertionError(ex);
              }
            },
            StatusRuntimeException.class);
    assertThat(e).as("the call should have been refused").isNotNull();
    return e;
  }

  private static void assertRefused(
      StatusRuntimeException refused, Status.Code code, String description) {
    assertThat(refused.getStatus().getCode()).isEqualTo(code);
    assertThat(refused.getStatus().getDescription()).isEqualTo(description);
  }

  /**
   * The refused certificate was not stored beside the current one: a call presenting it is refused
   * as unknown (had it been stored as {@code next_thumbprint}, the call would be let in).
   */
  private static void assertNotStored(TestFleet fleet, TentacleHome home, Identity refused)
      throws Exception {
    Identity fresh = newIdentity();
    StatusRuntimeException e =
        refusal(
            () ->
                add(
                    fleet,
                    home,
                    refused,
                    fresh.certificate(),
                    PossessionProof.sign(id(home), refused.thumbprint(), fresh)));
    assertRefused(
        e,
        Status.Code.UNAUTHENTICATED,
        "this tentacle's certificate is not registered with the server");
  }

  /** The server still lists the old thumbprint, and the tentacle polls with it and runs scripts. */
  private static void assertStillWorksWithItsOldCertificate(
      TestFleet fleet, TentacleHome home, Identity current) throws Exception {
    assertThat(Thumbprint.of(PemFiles.readCertificate(home.directory().resolve("cert.pem"))))
        .isEqualTo(current.thumbprint());
    fleet.start(home);
    String name = TentacleConfig.load(home).name();
    TaskView task = fleet.runScript("echo still " + name, List.of(name), 60L);
    assertThat(fleet.follow(task.id())).extracting(LogEntry::text).containsExactly("still " + name);
    assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(serverThumbprintOf(fleet, name)).isEqualTo(current.thumbprint().toString());
  }

  private static String serverThumbprintOf(TestFleet fleet, String name) {
    try (var api = fleet.api()) {
      return api.tentacles().stream()
          .filter(t -> t.name().equals(name))
          .findFirst()
          .orElseThrow()
          .thumbprint();
    }
  }
}
