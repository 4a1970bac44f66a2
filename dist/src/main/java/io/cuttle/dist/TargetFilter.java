package io.cuttle.dist;

import java.util.List;
import picocli.CommandLine.Option;

/** Which tentacles a command that runs something on the fleet chooses: all of them by default. */
final class TargetFilter {
  @Option(names = "--environment", description = "Only tentacles in this environment.")
  String environment;

  @Option(names = "--role", description = "Only tentacles with one of these roles (repeatable).")
  List<String> roles = List.of();

  @Option(names = "--tentacle", description = "Only these tentacles, by name (repeatable).")
  List<String> tentacles = List.of();
}
