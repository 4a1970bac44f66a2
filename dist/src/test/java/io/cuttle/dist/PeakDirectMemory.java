package io.cuttle.dist;

import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest figure of Netty's direct memory in this JVM (an in-process server's) while it is
 * open: what a hostile peer made the server hold, read from the allocator rather than timed.
 */
public final class PeakDirectMemory implements AutoCloseable {
  public final long before = PlatformDependent.usedDirectMemory();
  private final AtomicLong peak = new AtomicLong(before);
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

  public PeakDirectMemory() {
    sampler.scheduleAtFixedRate(
        () -> peak.accumulateAndGet(PlatformDependent.usedDirectMemory(), Math::max),
        0,
        5,
        TimeUnit.MILLISECONDS);
  }

  public long peak() {
    return peak.accumulateAndGet(PlatformDependent.usedDirectMemory(), Math::max);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
