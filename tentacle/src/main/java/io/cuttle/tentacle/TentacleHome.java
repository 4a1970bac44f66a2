package io.cuttle.tentacle;

import java.nio.file.Path;

/**
 * Where one tentacle instance keeps its state: {@code <base>/<instance>/}, holding {@code
 * tentacle.json} (its registration), {@code key.pem} and {@code cert.pem} (its identity), {@code
 * work/} (one folder per command) and {@code packages/} (packages fetched, by SHA-256). The base is
 * {@code $CUTTLE_HOME/tentacles} when CUTTLE_HOME is set, otherwise {@code ~/.cuttle/tentacles}.
 */
public record TentacleHome(String instance, Path directory) {
  public static final String CONFIG_FILE = "tentacle.json";
  private static final java.util.regex.Pattern INSTANCE =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public static Path defaultBase() {
    String cuttleHome = System.getenv("CUTTLE_HOME");
    return cuttleHome != null && !cuttleHome.isBlank()
        ? Path.of(cuttleHome, "tentacles")
        : Path.of(System.getProperty("user.home"), ".cuttle", "tentacles");
  }

  /** The home of {@code instance} under {@code base} (null for the default base). */
  public static TentacleHome of(String instance, Path base) {
    if (instance == null || !INSTANCE.matcher(instance).matches()) {
      throw new IllegalArgumentException(
          "--instance: '"
              + instance
              + "' (expected: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit)");
    }
    return new TentacleHome(
        instance, (base == null ? defaultBase() : base).resolve(instance).toAbsolutePath());
  }

  public Path configFile() {
    return directory.resolve(CONFIG_FILE);
  }

  public Path workDirectory() {
    return directory.resolve("work");
  }

  /** Packages fetched from the server, by SHA-256, and {@code partial/} ones being fetched. */
  public Path packageDirectory() {
    return directory.resolve("packages");
  }
}
