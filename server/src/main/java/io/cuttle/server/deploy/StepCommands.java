package io.cuttle.server.deploy;

import io.cuttle.server.data.TentacleRecord;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.polling.v1.Command;
import java.util.List;
import java.util.Map;

/**
 * What one kind of deployment step does: what a release fixes of it, and the command each of its
 * targets runs. Deployments dispatch on the step's kind through this alone, so a new kind is one
 * implementation registered in {@link StepKinds}.
 */
public interface StepCommands {
  /** The kind as a process names it, e.g. {@code script}. */
  String kind();

  /**
   * The step as a release keeps it, e.g. with its package version chosen from {@code
   * packageVersions}; throws an {@code ApiException} when it cannot be deployed as asked.
   */
  StepSpec pin(StepSpec step, Map<String, String> packageVersions);

  /**
   * Throws an {@code ApiException} naming the targets that cannot run the step of a release, before
   * anything of a deployment is stored.
   */
  default void checkTargets(StepSpec step, List<TentacleRecord> targets) {}

  /**
   * The command (without its id) one target runs for the step, with these environment variables.
   */
  Command.Builder command(StepSpec step, Map<String, String> variables);
}
