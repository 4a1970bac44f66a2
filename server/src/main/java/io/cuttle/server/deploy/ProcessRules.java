package io.cuttle.server.deploy;

import io.cuttle.server.data.Column;
import io.cuttle.server.data.ProjectStore;
import io.cuttle.server.tasks.ScriptSyntax;
import io.cuttle.server.tasks.TaskEngine;
import io.cuttle.server.tasks.Validation;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.StepSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What a deployment process may hold; every refusal names the step and the field. */
final class ProcessRules {
  static final String SCRIPT = "script";
  static final String PACKAGE = "package";
  static final int MAX_STEPS = 50;
  static final int MAX_WINDOW = 1000;
  private static final long MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

  private ProcessRules() {}

  static List<StepSpec> validSteps(List<StepSpec> steps) {
    if (steps == null || steps.isEmpty()) {
      throw ApiException.badRequest(
          "steps is required: a process needs at least one step, e.g."
              + " {\"name\":\"hello\",\"kind\":\"script\",\"script\":\"echo hello\"}");
    }
    if (steps.size() > MAX_STEPS) {
      throw ApiException.badRequest(
          "steps: " + steps.size() + " (expected: at most " + MAX_STEPS + ")");
    }
    Set<String> names = new HashSet<>();
    List<StepSpec> valid = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      if (step == null) {
        throw ApiException.badRequest("steps[" + i + "] is null; send a step object");
      }
      StepSpec checked = validStep(i, step);
      if (!names.add(checked.name().toLowerCase(Locale.ROOT))) {
        throw ApiException.badRequest(
            "steps[" + i + "]: the name '" + checked.name() + "' is used by an earlier step");
      }
      valid.add(checked);
    }
    int stored = ProjectStore.storedChars(valid);
    if (stored > Column.PROJECTS_PROCESS.maxChars()) {
      throw ApiException.badRequest(
          "steps: "
              + stored
              + " characters as stored (expected: at most "
              + Column.PROJECTS_PROCESS.maxChars()
              + " for the whole process); ship large scripts in a package");
    }
    return List.copyOf(valid);
  }

  private static StepSpec validStep(int index, StepSpec step) {
    String where = "steps[" + index + "].";
    String name = Validation.name(where + "name", step.name());
    String kind = step.kind() == null ? SCRIPT : step.kind().toLowerCase(Locale.ROOT);
    if (!kind.equals(SCRIPT) && !kind.equals(PACKAGE)) {
      throw ApiException.badRequest(
          where + "kind: '" + step.kind() + "' (expected: script or package)");
    }
    List<String> roles = Validation.names(where + "roles", step.roles());
    if (step.window() != null && (step.window() < 1 || step.window() > MAX_WINDOW)) {
      throw ApiException.badRequest(
          where
              + "window: "
              + step.window()
              + " (expected: 1 to "
              + MAX_WINDOW
              + " targets at once, or leave it out for all at once)");
    }
    if (step.timeoutSeconds() != null
        && (step.timeoutSeconds() < 1 || step.timeoutSeconds() > MAX_TIMEOUT_SECONDS)) {
      throw ApiException.badRequest(
          where + "timeoutSeconds: " + step.timeoutSeconds() + " (expected: 1 to 604800)");
    }
    if (step.packageVersion() != null) {
      throw ApiException.badRequest(
          where + "packageVersion belongs to a release: choose it when creating the release");
    }
    String script = step.script();
    String syntax = step.syntax();
    String packageId = null;
    if (kind.equals(SCRIPT)) {
      if (script == null || script.isBlank()) {
        throw ApiException.badRequest(where + "script is required for a script step");
      }
      ScriptSyntax.parse(where + "syntax", syntax);
      syntax = syntax == null ? "bash" : syntax.toLowerCase(Locale.ROOT);
    } else {
      packageId = Validation.name(where + "packageId", step.packageId());
    }
    if (script != null
        && script.getBytes(StandardCharsets.UTF_8).length > TaskEngine.MAX_SCRIPT_BYTES) {
      throw ApiException.badRequest(
          where
              + "script is larger than "
              + TaskEngine.MAX_SCRIPT_BYTES / 1024
              + " KiB; ship large scripts in a package");
    }
    return new StepSpec(
        name, kind, roles, step.window(), syntax, script, packageId, null, step.timeoutSeconds());
  }
}
