package io.cuttle.wire.api;

import java.util.List;

/**
 * The answer to a health-check request. {@code taskId} is the task checking the {@code queued}
 * tentacles (null when none was queued); {@code alreadyPending} had a check waiting, which is not
 * queued twice; {@code notCapable} are tentacles too old to run health checks, whose health is only
 * whether they are online.
 */
public record HealthCheckStarted(
    String taskId, List<String> queued, List<String> alreadyPending, List<String> notCapable) {}
