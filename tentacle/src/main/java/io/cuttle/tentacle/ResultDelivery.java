package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.cuttle.wire.polling.v1.ResultReport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a command's result recorded by the server, retrying through lost connections, and notes in
 * the journal once it is, so a restart does not report it again.
 */
final class ResultDelivery {
  private static final Logger log = LoggerFactory.getLogger(TentacleAgent.class);

  private final ServerLink server;
  private final PollingServiceGrpc.PollingServiceBlockingStub calls;
  private final CommandJournal journal;
  private final BooleanSupplier stopping;

  ResultDelivery(
      ServerLink server,
      PollingServiceGrpc.PollingServiceBlockingStub calls,
      CommandJournal journal,
      BooleanSupplier stopping) {
    this.server = server;
    this.calls = calls;
    this.journal = journal;
    this.stopping = stopping;
  }

  /** Delivers a journalled result and marks it reported. */
  void report(ResultReport report) {
    if (!deliver(report)) {
      return;
    }
    try {
      journal.reported(report.getCommandId());
    } catch (IOException e) {
      log.warn(
          "Could not note that command {} was reported: {}", report.getCommandId(), e.toString());
    }
  }

  /** Reports until the server has recorded it; false when it never will (or we stop first). */
  boolean deliver(ResultReport report) {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
    while (!stopping.getAsBoolean()) {
      try {
        if (calls.reportResult(report).getRecorded()) {
          return true;
        }
        log.debug("Server is missing output of {}; waiting for the shipper", report.getCommandId());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          log.warn(
              "Server {} does not know command {}: {}",
              server.serverUrl(),
              report.getCommandId(),
              e.getStatus().getDescription());
          return false;
        }
      }
      Backoff.sleep(backoff.next());
    }
    return false;
  }
}
