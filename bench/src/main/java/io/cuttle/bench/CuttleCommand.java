package io.cuttle.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a real {@code cuttle} subcommand in a JVM of its own, from this module's
 * classpath (which holds cuttle-dist), so the bench measures exactly what a user runs.
 */
final class CuttleCommand {
  private CuttleCommand() {}

  static List<String> of(List<String> jvmOptions, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath());
    command.add("io.cuttle.dist.Cuttle");
    command.addAll(List.of(arguments));
    return command;
  }

  /** Surefire puts the test classpath in its own property and a launcher jar on the JVM's. */
  private static String classpath() {
    String underSurefire = System.getProperty("surefire.test.class.path");
    return underSurefire != null && !underSurefire.isBlank()
        ? underSurefire
        : System.getProperty("java.class.path");
  }
}
