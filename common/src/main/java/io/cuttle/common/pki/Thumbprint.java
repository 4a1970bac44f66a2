package io.cuttle.common.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The identity of a tentacle or server: the SHA-256 digest of its certificate's public key
 * (SubjectPublicKeyInfo), written as 64 upper-case hex digits.
 *
 * <p>Hashing the key rather than the whole certificate means a certificate re-issued for the same
 * key keeps its identity, and it is the value {@code openssl x509 -pubkey | openssl pkey -pubin
 * -outform der | sha256sum} prints, so an operator can check it with standard tools.
 */
public final class Thumbprint {
  private static final Pattern HEX_64 = Pattern.compile("[0-9A-F]{64}");
  private final String hex;

  private Thumbprint(String hex) {
    this.hex = hex;
  }

  public static Thumbprint of(X509Certificate certificate) {
    return of(certificate.getPublicKey());
  }

  public static Thumbprint of(PublicKey publicKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
      return new Thumbprint(HexFormat.of().withUpperCase().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * Parses a thumbprint as people paste it: upper or lower case, with or without colons or spaces.
   *
   * @throws IllegalArgumentException naming the value and the expected form
   */
  public static Thumbprint parse(String text) {
    String normalized = text == null ? "" : text.replaceAll("[:\\s]", "").toUpperCase(Locale.ROOT);
    if (!HEX_64.matcher(normalized).matches()) {
      throw new IllegalArgumentException(
          "thumbprint: '"
              + text
              + "' (expected: 64 hex digits, the SHA-256 of the certificate's public key)");
    }
    return new Thumbprint(normalized);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Thumbprint that && hex.equals(that.hex);
  }

  @Override
  public int hashCode() {
    return hex.hashCode();
  }

  @Override
  public String toString() {
    return hex;
  }
}
