package io.cuttle.wire.api;

/**
 * One line of a task's output. {@code cursor} orders lines across the whole task; pass the last one
 * seen as {@code after} to get only newer lines.
 */
public record LogEntry(
    long cursor,
    String commandId,
    String tentacleName,
    long sequence,
    String stream,
    String text,
    long timestampMillis) {}
