package io.cuttle.server.deploy;

import io.cuttle.server.tasks.ScriptSyntax;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.Isolation;
import io.cuttle.wire.polling.v1.RunScript;
import java.util.Map;

/** A step that runs its script on each target, alone on the tentacle like an ad-hoc script. */
final class ScriptStepCommands implements StepCommands {
  @Override
  public String kind() {
    return ProcessRules.SCRIPT;
  }

  @Override
  public StepSpec pin(StepSpec step, Map<String, String> packageVersions) {
    return step;
  }

  @Override
  public Command.Builder command(StepSpec step, Map<String, String> variables) {
    return Command.newBuilder()
        .setRunScript(
            RunScript.newBuilder()
                .setSyntax(ScriptSyntax.parse(step.syntax()))
                .setBody(step.script())
                .setTimeoutMillis(step.timeoutSeconds() == null ? 0 : step.timeoutSeconds() * 1000)
                .putAllVariables(variables))
        .setIsolation(Isolation.newBuilder().setAllowConcurrency(false));
  }
}
