package io.cuttle.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build, the same string everywhere: the server's banner and {@code GET
 * /api/server}, the version a tentacle reports when it polls, {@code cuttle --version}. It comes
 * from the build (a filtered {@code version.properties}), so it cannot drift from the POM as a
 * constant in the code did (tentacles said 0.1.0 while the server said 0.1.0-SNAPSHOT).
 */
public final class CuttleVersion {
  public static final String VERSION = load();

  private CuttleVersion() {}

  private static String load() {
    try (InputStream in = CuttleVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the build");
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version");
      if (version == null || version.isBlank() || version.contains("${")) {
        throw new IllegalStateException("version.properties was not filtered: " + version);
      }
      return version.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
