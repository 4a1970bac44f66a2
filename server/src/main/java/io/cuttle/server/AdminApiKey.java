package io.cuttle.server;

import io.cuttle.common.io.AtomicFiles;
import io.cuttle.server.data.ApiKeyStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * The bootstrap admin key: made on first start, written owner-only to {@code <data>/admin-api-key},
 * and known to the database by its hash only. Revoking it (like any key) is for good: the file then
 * holds a key that no longer works, until it is deleted and the next start makes a new one.
 */
final class AdminApiKey {
  static final String FILE = "admin-api-key";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AdminApiKey() {}

  static String ensure(Path dataDirectory, ApiKeyStore keys, Clock clock) throws IOException {
    Path file = dataDirectory.resolve(FILE);
    String key;
    if (Files.exists(file)) {
      key = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (key.isEmpty()) {
        throw new IOException(file + " is empty: delete it to have a new admin key made");
      }
    } else {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      key = "cuttle_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      AtomicFiles.writePrivate(file, (key + "\n").getBytes(StandardCharsets.UTF_8));
    }
    // A key an admin revoked stays revoked: delete the file to have a new one made.
    if (!keys.isKnown(key)) {
      keys.add("admin", key, "admin", clock.millis());
    }
    return key;
  }
}
