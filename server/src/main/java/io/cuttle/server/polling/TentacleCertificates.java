package io.cuttle.server.polling;

import io.cuttle.common.pki.PossessionProof;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.wire.polling.v1.AddCertificateRequest;
import io.cuttle.wire.polling.v1.AddCertificateResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tentacle's certificate rotation, server side: a second certificate is added over a call made
 * with the current one, both are accepted meanwhile, and the first poll made with the new one
 * retires the old. A poll is the signal because only the running tentacle polls: once it polls with
 * the new key, every call it makes from then on uses it.
 */
final class TentacleCertificates {
  private static final Logger log = LoggerFactory.getLogger(TentacleCertificates.class);

  private final TentacleStore tentacles;
  private final java.time.Clock clock;

  TentacleCertificates(TentacleStore tentacles, java.time.Clock clock) {
    this.tentacles = tentacles;
    this.clock = clock;
  }

  AddCertificateResponse add(AuthenticatedTentacle caller, AddCertificateRequest request) {
    if (caller.nextCertificate()) {
      // Only the certificate that is the tentacle's own may vouch for another.
      throw refuse(
          Status.FAILED_PRECONDITION,
          "this call was made with the certificate being added; make it with the current one");
    }
    X509Certificate certificate = parse(request.getCertificate().toByteArray());
    Thumbprint next = Thumbprint.of(certificate);
    try {
      certificate.checkValidity(new Date(clock.millis()));
    } catch (CertificateException e) {
      throw refuse(
          Status.INVALID_ARGUMENT,
          "the new certificate is not valid now (" + e.getMessage() + "); make another");
    }
    if (!PossessionProof.verify(
        caller.id(),
        Thumbprint.parse(caller.thumbprint()),
        certificate,
        request.getSignature().toByteArray())) {
      throw refuse(
          Status.INVALID_ARGUMENT,
          "the signature does not prove possession of the new certificate's private key");
    }
    if (next.toString().equals(caller.thumbprint())) {
      return AddCertificateResponse.newBuilder().setThumbprint(next.toString()).build();
    }
    switch (tentacles.addNextThumbprint(caller.id(), caller.thumbprint(), next.toString())) {
      case TAKEN ->
          throw refuse(
              Status.ALREADY_EXISTS,
              "certificate " + next + " belongs to another tentacle; make another");
      case STALE ->
          throw refuse(
              Status.FAILED_PRECONDITION,
              "this tentacle's certificate changed while the call was made; try again");
      default -> {}
    }
    log.info(
        "Tentacle '{}' added certificate {} beside {}; both are accepted until it polls with the new"
            + " one",
        caller.name(),
        next,
        caller.thumbprint());
    return AddCertificateResponse.newBuilder().setThumbprint(next.toString()).build();
  }

  /** Called for every poll: a poll with the added certificate retires the old one. */
  void polled(AuthenticatedTentacle caller) {
    if (!caller.nextCertificate()) {
      return;
    }
    tentacles
        .promoteNextThumbprint(caller.id(), caller.thumbprint())
        .ifPresent(
            old ->
                log.info(
                    "Tentacle '{}' now polls with certificate {}; retired certificate {}",
                    caller.name(),
                    caller.thumbprint(),
                    old));
  }

  private static X509Certificate parse(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | ClassCastException e) {
      throw refuse(Status.INVALID_ARGUMENT, "certificate: not a DER-encoded X.509 certificate");
    }
  }

  private static StatusRuntimeException refuse(Status status, String description) {
    return status.withDescription(description).asRuntimeException();
  }
}
