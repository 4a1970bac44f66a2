package io.cuttle.common.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Proof that whoever adds a certificate to a tentacle holds its private key: a signature with the
 * new key over the tentacle id and both thumbprints. Without it, a tentacle could claim another
 * machine's public certificate and block that machine from registering it. Binding the current
 * thumbprint makes a captured proof useless to anyone not already holding the current key, which is
 * why no server nonce (and no extra round trip) is needed.
 */
public final class PossessionProof {
  private PossessionProof() {}

  public static byte[] sign(String tentacleId, Thumbprint current, Identity next)
      throws GeneralSecurityException {
    Signature signature = Signature.getInstance(algorithm(next.privateKey().getAlgorithm()));
    signature.initSign(next.privateKey());
    signature.update(message(tentacleId, current, next.thumbprint()));
    return signature.sign();
  }

  /** Whether {@code proof} was made with the key of {@code next} for this tentacle and caller. */
  public static boolean verify(
      String tentacleId, Thumbprint current, X509Certificate next, byte[] proof) {
    try {
      PublicKey key = next.getPublicKey();
      Signature signature = Signature.getInstance(algorithm(key.getAlgorithm()));
      signature.initVerify(key);
      signature.update(message(tentacleId, current, Thumbprint.of(next)));
      return signature.verify(proof);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // a malformed signature or an unsupported key proves nothing
    }
  }

  private static byte[] message(String tentacleId, Thumbprint current, Thumbprint next) {
    return ("cuttle add-certificate v1\n" + tentacleId + "\n" + current + "\n" + next)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String algorithm(String keyAlgorithm) throws GeneralSecurityException {
    return switch (keyAlgorithm) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> throw new GeneralSecurityException("unsupported key algorithm " + keyAlgorithm);
    };
  }
}
