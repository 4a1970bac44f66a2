package io.cuttle.wire.api;

/** One change: who ({@code actor}), what ({@code action}), on what ({@code target}), when. */
public record AuditEntry(long id, long atMillis, String actor, String action, String target) {}
