package io.cuttle.wire.api;

import java.util.List;

/**
 * Body of {@code POST /api/tasks/scripts}: run one script on every tentacle that matches. An empty
 * or absent filter matches everything; all given filters must match. {@code timeoutSeconds} bounds
 * how long the script may run once started (absent: the tentacle's default, one hour); a script
 * that outlives it is killed with everything it started.
 *
 * <p>Isolation: by default the script runs alone on each tentacle, after whatever runs there now.
 * With {@code allowConcurrency} it may run beside other commands that allow it, up to the
 * tentacle's {@code maxConcurrentCommands}; a {@code mutex} (a name, default none) keeps it from
 * running beside any command naming the same mutex on that tentacle.
 */
public record RunScriptRequest(
    String script,
    String syntax,
    String environment,
    List<String> roles,
    List<String> tentacles,
    Long pickupTimeoutSeconds,
    Long timeoutSeconds,
    String mutex,
    Boolean allowConcurrency) {

  /** A request that runs the script alone on each tentacle (the form before isolation existed). */
  public RunScriptRequest(
      String script,
      String syntax,
      String environment,
      List<String> roles,
      List<String> tentacles,
      Long pickupTimeoutSeconds,
      Long timeoutSeconds) {
    this(
        script,
        syntax,
        environment,
        roles,
        tentacles,
        pickupTimeoutSeconds,
        timeoutSeconds,
        null,
        null);
  }
}
