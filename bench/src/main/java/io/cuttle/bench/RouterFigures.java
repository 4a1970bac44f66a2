package io.cuttle.bench;

import java.util.OptionalDouble;

/**
 * What one round measured through one target. Latencies are the round trip's own; the report
 * subtracts the direct run's to show what the target added.
 *
 * @param idleBytesPer10k growth of the target's resident memory per 10,000 idle connections; empty
 *     for the backend reached directly
 */
record RouterFigures(
    RouterTarget target,
    double connectionsPerSecond,
    double megabytesPerSecond,
    double p50Micros,
    double p99Micros,
    OptionalDouble idleBytesPer10k) {}
