package io.cuttle.server.tasks;

import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.HealthCheckStore;
import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.HealthCheckRequest;
import io.cuttle.wire.api.HealthCheckStarted;
import io.cuttle.wire.api.HealthCheckView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues health checks on demand and on a schedule, and says what a finished check means.
 *
 * <p>The schedule spreads the fleet over the interval: each tentacle has its own moment in every
 * interval, taken from its id, and is checked at the first tick after that moment, so a large fleet
 * is not checked all at once and a restarted server does not check everyone again.
 */
public final class HealthChecks implements AutoCloseable {
  /** What a tentacle reports when it can run health-check commands. */
  public static final String CAPABILITY = "health-check";

  static final String SCHEDULE = "health-check schedule";

  private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);

  /**
   * @param interval how often each tentacle is checked; zero turns the schedule off
   * @param minimumFreeDiskBytes less free disk than this on a tentacle's home is a problem
   * @param onlineWindow only tentacles seen within this are checked on the schedule
   */
  public record Settings(
      Duration interval,
      long minimumFreeDiskBytes,
      Duration onlineWindow,
      Duration pickupTimeout) {}

  private final TentacleStore tentacles;
  private final HealthCheckStore store;
  private final PollWaiters waiters;
  private final Clock clock;
  private final Settings settings;
  private final DatabaseAvailability database;
  private final ScheduledFuture<?> schedule;

  public HealthChecks(
      TentacleStore tentacles,
      HealthCheckStore store,
      PollWaiters waiters,
      Clock clock,
      Settings settings,
      DatabaseAvailability database,
      ScheduledExecutorService scheduler) {
    this.tentacles = tentacles;
    this.store = store;
    this.waiters = waiters;
    this.clock = clock;
    this.settings = settings;
    this.database = database;
    long interval = settings.interval().toMillis();
    if (interval > 0) {
      // Ticks fine enough to keep each tentacle near its moment, coarse enough to cost nothing.
      long tick = Math.max(200, Math.min(interval / 10, Duration.ofMinutes(1).toMillis()));
      this.schedule =
          scheduler.scheduleWithFixedDelay(
              this::runScheduleSafely, tick, tick, TimeUnit.MILLISECONDS);
    } else {
      this.schedule = null;
    }
  }

  /** Checks every tentacle the filter matches that can run checks. */
  public HealthCheckStarted check(HealthCheckRequest request, String caller) {
    HealthCheckRequest filter =
        request == null ? new HealthCheckRequest(null, null, null) : request;
    return queue(
        Targets.select(tentacles.list(), filter.environment(), filter.roles(), filter.tentacles()),
        caller);
  }

  /** Checks one tentacle, named or by id; a tentacle too old to run checks is a bad request. */
  public HealthCheckStarted checkOne(String name, String caller) {
    TentacleRecord tentacle =
        tentacles
            .findByName(name)
            .or(() -> tentacles.findById(name))
            .orElseThrow(() -> ApiException.notFound("no tentacle named '" + name + "'"));
    if (!capable(tentacle)) {
      throw ApiException.badRequest(
          "tentacle '"
              + tentacle.name()
              + "' (version "
              + tentacle.version()
              + ") cannot run health checks; upgrade it, or let it connect once if it was"
              + " upgraded. Its health is whether it is online.");
    }
    return queue(List.of(tentacle), caller);
  }

  private HealthCheckStarted queue(List<TentacleRecord> targets, String caller) {
    List<TentacleRecord> capable = targets.stream().filter(HealthChecks::capable).toList();
    long now = clock.millis();
    HealthCheckStore.Queued queued =
        store.queue(capable, caller, now, now + settings.pickupTimeout().toMillis());
    queued.queued().forEach(t -> waiters.signal(t.id()));
    if (queued.taskId() != null) {
      log.info(
          "Task {} queued by {}: health check of {}",
          queued.taskId(),
          caller,
          names(queued.queued()));
    }
    return new HealthCheckStarted(
        queued.taskId(),
        names(queued.queued()),
        names(queued.pending()),
        names(targets.stream().filter(t -> !capable(t)).toList()));
  }

  private static List<String> names(List<TentacleRecord> tentacles) {
    return tentacles.stream().map(TentacleRecord::name).toList();
  }

  static boolean capable(TentacleRecord tentacle) {
    return tentacle.capabilities() != null && tentacle.capabilities().contains(CAPABILITY);
  }

  /** Whether the tentacle has a check queued or running. */
  public boolean isPending(TentacleRecord tentacle) {
    return capable(tentacle) && store.isPending(tentacle.id());
  }

  /** The tentacle's latest finished check, if it can run checks and has had one. */
  public Optional<HealthCheckView> latest(TentacleRecord tentacle) {
    return capable(tentacle) ? store.latestFinished(tentacle.id()) : Optional.empty();
  }

  /** What the check found wrong, in plain words; empty when it found nothing. */
  public Optional<String> problem(HealthCheckView check) {
    if (check.state() != CommandState.SUCCEEDED) {
      return Optional.of(
          "the last health check failed: "
              + (check.message() == null ? "no reason was recorded" : check.message()));
    }
    Long free = check.freeDiskBytes();
    if (free != null && free < settings.minimumFreeDiskBytes()) {
      return Optional.of(
          "only "
              + mebibytes(free)
              + " MiB free on the disk of the tentacle's home, below the server's minimum of "
              + mebibytes(settings.minimumFreeDiskBytes())
              + " MiB (--min-free-disk-mb); free some space, then check again");
    }
    return Optional.empty();
  }

  private static long mebibytes(long bytes) {
    return bytes / (1024 * 1024);
  }

  private void runScheduleSafely() {
    try {
      runSchedule();
    } catch (RuntimeException | Error e) {
      if (database.failed(e)) {
        return;
      }
      log.warn("Could not queue scheduled health checks; will retry: {}", e.toString());
      log.debug("Health-check schedule failure", e);
    }
  }

  /**
   * Queues a check for every online tentacle that can run one and has not been queued one since its
   * moment in the current interval.
   */
  void runSchedule() {
    long now = clock.millis();
    long interval = settings.interval().toMillis();
    Map<String, Long> lastQueued = store.lastQueued();
    List<TentacleRecord> due =
        tentacles.list().stream()
            .filter(HealthChecks::capable)
            .filter(
                t ->
                    t.lastSeenAt() != null
                        && now - t.lastSeenAt() <= settings.onlineWindow().toMillis())
            .filter(
                t -> {
                  long moment = Math.floorMod(t.id().hashCode(), interval);
                  long latestMoment = now - Math.floorMod(now - moment, interval);
                  return lastQueued.getOrDefault(t.id(), Long.MIN_VALUE) < latestMoment;
                })
            .toList();
    if (!due.isEmpty()) {
      queue(due, SCHEDULE);
    }
  }

  @Override
  public void close() {
    if (schedule != null) {
      schedule.cancel(false);
    }
  }
}
