package io.cuttle.server.data;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Short random ids with a prefix that says what they name (T- tentacle, K- task, C- command). */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId(String prefix) {
    byte[] bytes = new byte[10];
    RANDOM.nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }
}
