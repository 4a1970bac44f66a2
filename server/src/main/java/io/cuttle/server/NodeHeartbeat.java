package io.cuttle.server;

import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.server.data.ServerNodeStore;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's row in the node list fresh: written once at start, so the node is listed as
 * soon as it answers, then on every interval. A missed beat is only logged: the row goes stale and
 * the node shows offline, which is what others should see while it cannot reach the database.
 */
final class NodeHeartbeat implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeHeartbeat.class);

  private final ScheduledFuture<?> beats;

  private NodeHeartbeat(ScheduledFuture<?> beats) {
    this.beats = beats;
  }

  /**
   * @param self this node as it is now, asked for on every beat
   */
  static NodeHeartbeat start(
      ServerNodeStore nodes,
      Supplier<ServerNodeStore.Node> self,
      Duration interval,
      DatabaseAvailability database,
      ScheduledExecutorService workers) {
    nodes.save(self.get());
    long millis = interval.toMillis();
    return new NodeHeartbeat(
        workers.scheduleAtFixedRate(
            () -> {
              try {
                nodes.save(self.get());
              } catch (RuntimeException | Error e) {
                // An outage is logged once by DatabaseAvailability, not on every beat.
                if (!database.failed(e)) {
                  log.warn(
                      "Could not record this node in the node list; trying again: {}",
                      e.toString());
                  log.debug("Heartbeat failure", e);
                }
              }
            },
            millis,
            millis,
            TimeUnit.MILLISECONDS));
  }

  @Override
  public void close() {
    beats.cancel(false);
  }
}
