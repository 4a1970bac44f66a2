package io.cuttle.server.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer secrets (API keys, tokens, session cookies) and the SHA-256 form the database keeps
 * of them. They are 256-bit random values, so a fast hash is enough: there is no password to
 * stretch, and a copy of the database does not hand out working secrets.
 */
public final class BearerSecrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private BearerSecrets() {}

  /** 256 random bits, URL-safe, after {@code prefix}. */
  public static String newSecret(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String sha256Hex(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
