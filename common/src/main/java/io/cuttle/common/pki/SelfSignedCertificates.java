package io.cuttle.common.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the key pairs and self-signed certificates that tentacles and servers identify by.
 *
 * <p>Keys are ECDSA P-256: small, fast to make on first start, and accepted by every TLS stack we
 * talk to (JDK, BoringSSL, OpenSSL, curl). Signing uses the JDK's own providers; BouncyCastle only
 * builds the certificate structure, so it never needs to be installed as a JCA provider.
 */
public final class SelfSignedCertificates {
  /** Long enough that nobody meets an expiry in normal use; rotation replaces them on purpose. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(100 * 365);

  private static final SecureRandom RANDOM = new SecureRandom();

  private SelfSignedCertificates() {}

  /** A new identity valid from a minute ago (tolerating small clock skew) for the default term. */
  public static Identity create(String commonName, Collection<String> dnsNames) {
    Instant now = Instant.now();
    return create(
        commonName, dnsNames, now.minus(Duration.ofMinutes(1)), now.plus(DEFAULT_VALIDITY));
  }

  /** A new identity with explicit validity; tests use it to make expired certificates. */
  public static Identity create(
      String commonName, Collection<String> dnsNames, Instant notBefore, Instant notAfter) {
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException(
          "notAfter: " + notAfter + " (expected: after notBefore " + notBefore + ")");
    }
    KeyPair keyPair = newKeyPair();
    return new Identity(
        keyPair.getPrivate(), sign(keyPair, commonName, dnsNames, notBefore, notAfter));
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make P-256 keys", e);
    }
  }

  private static X509Certificate sign(
      KeyPair keyPair,
      String commonName,
      Collection<String> dnsNames,
      Instant notBefore,
      Instant notAfter) {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "Cuttle")
            .addRDN(BCStyle.CN, commonName)
            .build();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(127, RANDOM).add(BigInteger.ONE),
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              keyPair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      if (!dnsNames.isEmpty()) {
        GeneralName[] names =
            dnsNames.stream()
                .map(n -> new GeneralName(GeneralName.dNSName, n))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
    } catch (OperatorCreationException | java.io.IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not sign a certificate for " + commonName, e);
    }
  }
}
