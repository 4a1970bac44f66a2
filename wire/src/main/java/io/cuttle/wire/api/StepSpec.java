package io.cuttle.wire.api;

import java.util.List;

/**
 * One step of a deployment process.
 *
 * @param kind {@code script} (run {@code script} in {@code syntax}) or {@code package} (deploy
 *     {@code packageId})
 * @param roles the step runs on the environment's tentacles with any of these roles; empty: all
 * @param window at most this many targets at once (a rolling deployment); null: all at once
 * @param packageVersion in a release only: the version of {@code packageId} it deploys
 */
public record StepSpec(
    String name,
    String kind,
    List<String> roles,
    Integer window,
    String syntax,
    String script,
    String packageId,
    String packageVersion,
    Long timeoutSeconds) {}
