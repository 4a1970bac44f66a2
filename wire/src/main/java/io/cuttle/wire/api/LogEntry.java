package io.cuttle.wire.api;

/**
 * One line of a task's output. {@code cursor} orders lines across the whole task; pass the last one
 * seen as {@code after} to get only newer lines. {@code stepName} is the deployment step the line
 * belongs to, null outside deployments.
 */
public record LogEntry(
    long cursor,
    String commandId,
    String tentacleName,
    long sequence,
    String stream,
    String text,
    long timestampMillis,
    String stepName) {}
