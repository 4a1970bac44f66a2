package io.cuttle.server.metrics;

import io.cuttle.server.data.CommandEvents;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Counts commands through their life (queued, delivered, acknowledged, finished by outcome), how
 * long each waited for a tentacle to collect it, how long tasks took, and the output stored. Every
 * meter is made up front, so each series shows from the first scrape (at zero), which dashboards
 * and alerts rely on, and recording is a lookup in a small map.
 */
public final class CommandMeters implements CommandEvents {
  private final Counter queued;
  private final Counter delivered;
  private final Counter acknowledged;
  private final Map<CommandState, Counter> finished = new EnumMap<>(CommandState.class);
  private final Timer dispatchLatency;
  private final Map<TaskState, Timer> taskDurations = new EnumMap<>(TaskState.class);
  private final Counter outputBytes;

  public CommandMeters(MeterRegistry registry) {
    queued =
        Counter.builder("cuttle.commands.queued")
            .description("Commands queued for a tentacle")
            .register(registry);
    delivered =
        Counter.builder("cuttle.commands.delivered")
            .description("Commands handed to a tentacle's poll, redeliveries included")
            .register(registry);
    acknowledged =
        Counter.builder("cuttle.commands.acknowledged")
            .description("Commands a tentacle acknowledged and started")
            .register(registry);
    for (CommandState outcome :
        new CommandState[] {CommandState.SUCCEEDED, CommandState.FAILED, CommandState.CANCELLED}) {
      finished.put(
          outcome,
          Counter.builder("cuttle.commands.finished")
              .description("Commands that got their outcome")
              .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry));
    }
    dispatchLatency =
        Timer.builder("cuttle.command.dispatch.latency")
            .description("From a command being queued to its first delivery to a tentacle")
            .serviceLevelObjectives(
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                Duration.ofMinutes(5))
            .register(registry);
    for (TaskState outcome :
        new TaskState[] {TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED}) {
      taskDurations.put(
          outcome,
          Timer.builder("cuttle.task.duration")
              .description("From a task being created to its end")
              .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
              .serviceLevelObjectives(
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(10),
                  Duration.ofMinutes(1),
                  Duration.ofMinutes(10),
                  Duration.ofHours(1))
              .register(registry));
    }
    outputBytes =
        Counter.builder("cuttle.command.output")
            .baseUnit("bytes")
            .description("Bytes of command output stored, after the per-command cap")
            .register(registry);
  }

  @Override
  public void queued(int commands) {
    queued.increment(commands);
  }

  @Override
  public void delivered(long queuedForMillis, boolean firstDelivery) {
    delivered.increment();
    if (firstDelivery) {
      dispatchLatency.record(queuedForMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void acknowledged() {
    acknowledged.increment();
  }

  @Override
  public void finished(CommandState outcome, int commands) {
    Counter counter = finished.get(outcome);
    if (counter != null && commands > 0) {
      counter.increment(commands);
    }
  }

  @Override
  public void taskFinished(TaskState outcome, long tookMillis) {
    Timer timer = taskDurations.get(outcome);
    if (timer != null) {
      timer.record(tookMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void outputStored(long bytes) {
    if (bytes > 0) {
      outputBytes.increment(bytes);
    }
  }
}
