package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.cuttle.wire.polling.v1.ProgressReport;
import io.cuttle.wire.polling.v1.ProgressResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers a command's output lines and ships them to the server in batches, keeping each line until
 * the server says it has stored it. Memory is bounded: when {@link #MAX_PENDING} lines wait, the
 * script's readers block, and so does the script writing to its pipe.
 */
final class OutputShipper implements LineSink {
  private static final Logger log = LoggerFactory.getLogger(OutputShipper.class);
  static final int MAX_PENDING = 10_000;
  static final int MAX_BATCH = 500;
  static final int MAX_LINE_CHARS = 8000;
  private static final Duration BATCH_PAUSE = Duration.ofMillis(100);

  private final String tentacleId;
  private final String commandId;
  private final PollingServiceGrpc.PollingServiceBlockingStub calls;
  private final ArrayDeque<LogLine> pending = new ArrayDeque<>();
  private long lastSequence;
  private long storedThrough;

  OutputShipper(
      String tentacleId, String commandId, PollingServiceGrpc.PollingServiceBlockingStub calls) {
    this.tentacleId = tentacleId;
    this.commandId = commandId;
    this.calls = calls;
  }

  /** Adds one line of output; blocks while too many lines wait to be shipped. */
  @Override
  public void add(LogLine.Stream stream, String text) throws InterruptedException {
    for (int start = 0; start == 0 || start < text.length(); start += MAX_LINE_CHARS) {
      String part = text.substring(start, Math.min(text.length(), start + MAX_LINE_CHARS));
      synchronized (this) {
        while (pending.size() >= MAX_PENDING) {
          wait();
        }
        pending.add(
            LogLine.newBuilder()
                .setSequence(++lastSequence)
                .setStream(stream)
                .setText(part)
                .setTimestampMillis(System.currentTimeMillis())
                .build());
        notifyAll();
      }
      if (text.isEmpty()) {
        return;
      }
    }
  }

  synchronized long lastSequence() {
    return lastSequence;
  }

  /** Ships batches until {@code done} says the script has ended and everything is stored. */
  void shipUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
    while (true) {
      List<LogLine> batch = nextBatch();
      if (batch.isEmpty()) {
        if (done.getAsBoolean() && isEmpty()) {
          return;
        }
        Thread.sleep(BATCH_PAUSE.toMillis());
        continue;
      }
      try {
        ProgressResponse response =
            calls.reportProgress(
                ProgressReport.newBuilder()
                    .setTentacleId(tentacleId)
                    .setCommandId(commandId)
                    .addAllLines(batch)
                    .build());
        acknowledge(response.getStoredThrough());
        backoff.reset();
      } catch (RuntimeException e) {
        log.debug("Could not ship output of {}; will resend", commandId, e);
        Thread.sleep(backoff.next().toMillis());
      }
      if (batch.size() < MAX_BATCH) {
        Thread.sleep(BATCH_PAUSE.toMillis());
      }
    }
  }

  /** Lines the server has not stored yet, oldest first. */
  private synchronized List<LogLine> nextBatch() {
    List<LogLine> batch = new ArrayList<>(Math.min(pending.size(), MAX_BATCH));
    for (LogLine line : pending) {
      if (batch.size() == MAX_BATCH) {
        break;
      }
      batch.add(line);
    }
    return batch;
  }

  private synchronized void acknowledge(long through) {
    storedThrough = Math.max(storedThrough, through);
    while (!pending.isEmpty() && pending.peek().getSequence() <= storedThrough) {
      pending.poll();
    }
    notifyAll();
  }

  private synchronized boolean isEmpty() {
    return pending.isEmpty();
  }
}
