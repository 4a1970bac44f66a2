package io.cuttle.router;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the router knows of one endpoint: connections it carries now, dials that failed in a row,
 * and whether it is ejected or failing its health checks. Shared by all event loops; every field is
 * safe to read and change from any of them.
 */
final class EndpointState {
  final AtomicInteger active = new AtomicInteger();
  final AtomicInteger consecutiveFailures = new AtomicInteger();
  volatile long ejectedUntilNanos;
  volatile boolean ejected;
  volatile boolean failingHealthChecks;

  boolean available(long nowNanos) {
    return !failingHealthChecks && (!ejected || nowNanos - ejectedUntilNanos >= 0);
  }
}
