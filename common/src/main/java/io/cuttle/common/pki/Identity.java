package io.cuttle.common.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A private key and the self-signed certificate that carries its public half. */
public record Identity(PrivateKey privateKey, X509Certificate certificate) {

  public Thumbprint thumbprint() {
    return Thumbprint.of(certificate);
  }
}
