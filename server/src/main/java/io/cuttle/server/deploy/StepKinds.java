package io.cuttle.server.deploy;

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

  /** The kinds this server has. */
  public static StepKinds standard() {
    return new StepKinds(List.of(new ScriptStepCommands()));
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
              + " steps are not supported by this server yet, so a release cannot include one;"
              + " use script steps until this server version can deploy packages");
    }
    return commands;
  }
}
