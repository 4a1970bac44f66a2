package io.cuttle.dist;

import io.cuttle.testkit.ExternalProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code cuttle ...} in a JVM of its own, for tests that kill it or read its memory apart. */
final class CuttleProcess {
  private CuttleProcess() {}

  /** With a fixed small heap that it must not outgrow. */
  static ExternalProcess start(String name, Path output, String heap, String... args)
      throws IOException {
    return start(name, output, heap, List.of(), args);
  }

  /** As above, with more options for the JVM. */
  static ExternalProcess start(
      String name, Path output, String heap, List<String> jvmOptions, String... args)
      throws IOException {
    return ExternalProcess.java(name, output, heap, jvmOptions, Cuttle.class, List.of(args));
  }
}
