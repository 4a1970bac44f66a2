package io.cuttle.server.data;

import io.cuttle.common.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts what must not be stored in clear (sensitive variable values, commands that carry them)
 * with AES-GCM under a key kept in the data directory, readable by its owner only, and made the
 * first time something is sealed. Anyone with the database but not that file sees only ciphertext;
 * back the file up with the database, or sensitive values cannot be read back.
 */
public final class Secrets {
  public static final String FILE = "secrets.key";
  private static final String PREFIX = "gcm1:";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] FINGERPRINT_LABEL =
      "cuttle secrets.key fingerprint v1".getBytes(StandardCharsets.US_ASCII);

  private final Path keyFile;
  private SecretKey key;

  public Secrets(Path dataDirectory) {
    this.keyFile = dataDirectory.resolve(FILE);
  }

  /** Whether {@code stored} is something {@link #seal} made. */
  public static boolean isSealed(String stored) {
    return stored.startsWith(PREFIX);
  }

  public String seal(String plain) {
    return seal(plain.getBytes(StandardCharsets.UTF_8));
  }

  public String seal(byte[] plain) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plain);
      return PREFIX
          + Base64.getEncoder()
              .encodeToString(
                  ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not encrypt with " + keyFile, e);
    }
  }

  public String openText(String sealed) {
    return new String(open(sealed), StandardCharsets.UTF_8);
  }

  public byte[] open(String sealed) {
    if (!isSealed(sealed)) {
      throw new IllegalArgumentException("not a sealed value");
    }
    byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "a stored secret cannot be decrypted with "
              + keyFile
              + "; was the key file replaced? Restore the one the data was written with",
          e);
    }
  }

  /**
   * Makes the key now, if it is not there yet. Nodes sharing one database must share one key, so
   * the first node makes it at its first start, where an operator copies it to the others from.
   */
  public void ensureKey() {
    key();
  }

  /** The key file, which may not exist yet. */
  public Path keyFile() {
    return keyFile;
  }

  /**
   * Tells keys apart without revealing them: an HMAC-SHA256 of a fixed label, keyed with the key
   * (made now if there is none yet). Equal keys give equal fingerprints; the key cannot be worked
   * back from one, so it may be stored where the key must not be, such as the database.
   */
  public String fingerprint() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key().getEncoded(), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(FINGERPRINT_LABEL));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not fingerprint " + keyFile, e);
    }
  }

  private synchronized SecretKey key() {
    if (key == null) {
      key = new SecretKeySpec(loadOrCreate(), "AES");
    }
    return key;
  }

  private byte[] loadOrCreate() {
    try {
      if (Files.exists(keyFile)) {
        byte[] existing = Files.readAllBytes(keyFile);
        if (existing.length != KEY_BYTES) {
          throw new IllegalStateException(
              keyFile + " holds " + existing.length + " bytes (expected: " + KEY_BYTES + ")");
        }
        return existing;
      }
      byte[] fresh = new byte[KEY_BYTES];
      RANDOM.nextBytes(fresh);
      AtomicFiles.writePrivate(keyFile, fresh);
      return fresh;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read or create " + keyFile, e);
    }
  }
}
