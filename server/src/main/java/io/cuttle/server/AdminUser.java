package io.cuttle.server;

import io.cuttle.common.io.AtomicFiles;
import io.cuttle.server.data.BearerSecrets;
import io.cuttle.server.data.PasswordHasher;
import io.cuttle.server.data.Role;
import io.cuttle.server.data.UserStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The first user: while the server has no users, it makes "admin" with a random password written
 * owner-only to {@code <data>/admin-password}, for the person who installed the server to sign in
 * with (and then set a password of their own and delete the file).
 */
final class AdminUser {
  static final String FILE = "admin-password";
  static final String NAME = "admin";

  private AdminUser() {}

  static void ensure(Path dataDirectory, UserStore users, PasswordHasher hasher, Clock clock)
      throws IOException {
    if (!users.isEmpty()) {
      return;
    }
    Path file = dataDirectory.resolve(FILE);
    String password = BearerSecrets.newSecret("").substring(0, 24);
    // The file first: a crash between the two leaves a file and no user, and the next start makes
    // both anew; the other order could leave an admin nobody knows the password of.
    AtomicFiles.writePrivate(file, (password + "\n").getBytes(StandardCharsets.UTF_8));
    if (!users.create(NAME, hasher.hash(password), Role.ADMIN, clock.millis())) {
      // Another server node sharing the database made the first user meanwhile.
      Files.deleteIfExists(file);
    }
  }
}
