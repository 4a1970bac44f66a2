package io.cuttle.server.polling;

import io.cuttle.server.data.Cancellations;
import io.cuttle.server.data.CommandLog;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.identity.ServerIdentities;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** What every held poll needs, gathered once. */
record PollingContext(
    CommandQueue queue,
    CommandLog log,
    Cancellations cancellations,
    PollWaiters waiters,
    Executor blocking,
    ScheduledExecutorService scheduler,
    Clock clock,
    Duration pollWait,
    Duration redeliverAfter,
    ServerIdentities serverIdentities,
    ConnectedTentacles connected) {}
