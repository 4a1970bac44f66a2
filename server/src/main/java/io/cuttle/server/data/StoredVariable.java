package io.cuttle.server.data;

/**
 * A project variable as stored: a sensitive one's value is sealed by {@link Secrets}. The
 * environment is kept by id (renames follow it) and by the name it had when last read.
 */
public record StoredVariable(
    String id,
    String name,
    String value,
    boolean sensitive,
    String environmentId,
    String environmentName,
    String role) {}
