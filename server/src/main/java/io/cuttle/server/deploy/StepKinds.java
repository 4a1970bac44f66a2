package io.cuttle.server.deploy;

import io.cuttle.server.packages.PackageStore;
import io.cuttle.server.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The step kinds this server can deploy, by the name a process gives them. */
public final class StepKinds {
  private final Map<String, StepCommands> byKind;

  StepKinds(List<StepCommands> kinds) {
    this.byKind = kinds.stream().collect(Collectors.toMap(StepCommands::kind, Function.identity()));
  }

  /** The kinds this server has; package steps deploy from {@code packages}. */
  public static StepKinds standard(PackageStore packages) {
    return new StepKinds(List.of(new ScriptStepCommands(), new PackageStepCommands(packages)));
  }

  /** The commands of a kind, or a refusal saying this server cannot deploy it yet. */
  StepCommands of(String kind, String stepName) {
    StepCommands commands = byKind.get(kind);
    if (commands == null) {
      throw ApiException.badRequest(
          "step '"
              + stepName
              + "': "
              + kind
              + " steps are not supported by this server, so a release cannot include one;"
              + " use script or package steps");
    }
    return commands;
  }
}
