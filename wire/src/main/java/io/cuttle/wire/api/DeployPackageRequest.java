package io.cuttle.wire.api;

import java.util.List;

/**
 * Body of {@code POST /api/tasks/packages}: deploy a stored package to every matching tentacle.
 * Each one fetches the package (or takes it from its cache), checks its SHA-256, extracts it into
 * the command's working folder and runs {@code script} there, or the package's own {@code
 * deploy.sh} when no script is given. Filters, timeouts and isolation mean what they mean in {@link
 * RunScriptRequest}.
 */
public record DeployPackageRequest(
    String packageId,
    String version,
    String script,
    String syntax,
    String environment,
    List<String> roles,
    List<String> tentacles,
    Long pickupTimeoutSeconds,
    Long timeoutSeconds,
    String mutex,
    Boolean allowConcurrency) {}
