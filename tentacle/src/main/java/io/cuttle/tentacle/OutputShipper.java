package io.cuttle.tentacle;

import io.cuttle.wire.polling.ProgressLimits;
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
 * the server says it has stored it. Memory is bounded: when {@link #MAX_PENDING} lines or {@link
 * #MAX_PENDING_CHARS} characters wait, the script's readers block, and so does the script writing
 * to its pipe. Batches are cut within the server's {@link ProgressLimits}. Once the server says the
 * command's output went over its cap, the rest of the output is read and dropped here: the script
 * runs on, and nothing the server would drop is sent or held.
 */
final class OutputShipper implements LineSink {
  private static final Logger log = LoggerFactory.getLogger(OutputShipper.class);
  static final int MAX_PENDING = 10_000;
  static final int MAX_BATCH = ProgressLimits.MAX_LINES_PER_BATCH;
  static final int MAX_LINE_CHARS = 8000;
  static final int MAX_PENDING_CHARS = 4_000_000;

  /** A character takes at most three bytes in UTF-8 (a surrogate pair four for its two). */
  static final int MAX_BATCH_CHARS = ProgressLimits.MAX_TEXT_BYTES_PER_BATCH / 3;

  private static final Duration BATCH_PAUSE = Duration.ofMillis(100);

  private final String tentacleId;
  private final String commandId;
  private final PollingServiceGrpc.PollingServiceBlockingStub calls;
  private final ArrayDeque<LogLine> pending = new ArrayDeque<>();
  private long pendingChars;
  private long lastSequence;
  private long storedThrough;
  private boolean dropping;

  OutputShipper(
      String tentacleId, String commandId, PollingServiceGrpc.PollingServiceBlockingStub calls) {
    this.tentacleId = tentacleId;
    this.commandId = commandId;
    this.calls = calls;
  }

  /**
   * Adds one line of output, at most {@link #MAX_LINE_CHARS} long ({@link OutputLines} cuts longer
   * ones); blocks while too much waits to be shipped.
   */
  @Override
  public void add(LogLine.Stream stream, String text) throws InterruptedException {
    add(stream, text, false);
  }

  @Override
  public synchronized void add(LogLine.Stream stream, String text, boolean continuesPrevious)
      throws InterruptedException {
    while (!dropping
        && (pending.size() >= MAX_PENDING
            || (!pending.isEmpty() && pendingChars + text.length() > MAX_PENDING_CHARS))) {
      wait();
    }
    if (dropping) {
      return;
    }
    pending.add(
        LogLine.newBuilder()
            .setSequence(++lastSequence)
            .setStream(stream)
            .setText(text)
            .setContinuesPrevious(continuesPrevious)
            .setTimestampMillis(System.currentTimeMillis())
            .build());
    pendingChars += text.length();
    notifyAll();
  }

  synchronized long lastSequence() {
    return lastSequence;
  }

  /** Ships batches until {@code done} says the script has ended and everything is stored. */
  void shipUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
    while (true) {
      Batch next = nextBatch();
      List<LogLine> batch = next.lines();
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
        acknowledge(response);
        backoff.reset();
      } catch (RuntimeException e) {
        log.debug("Could not ship output of {}; will resend", commandId, e);
        Thread.sleep(backoff.next().toMillis());
      }
      if (!next.full()) {
        Thread.sleep(BATCH_PAUSE.toMillis()); // let a slow script's lines gather into one batch
      }
    }
  }

  /** Lines to ship, and whether more were waiting than one batch holds. */
  private record Batch(List<LogLine> lines, boolean full) {}

  /** Lines the server has not stored yet, oldest first. */
  private synchronized Batch nextBatch() {
    List<LogLine> batch = new ArrayList<>(Math.min(pending.size(), MAX_BATCH));
    long chars = 0;
    for (LogLine line : pending) {
      chars += line.getText().length();
      if (batch.size() == MAX_BATCH || (!batch.isEmpty() && chars > MAX_BATCH_CHARS)) {
        return new Batch(batch, true);
      }
      batch.add(line);
    }
    return new Batch(batch, false);
  }

  private synchronized void acknowledge(ProgressResponse response) {
    storedThrough = Math.max(storedThrough, response.getStoredThrough());
    while (!pending.isEmpty() && pending.peek().getSequence() <= storedThrough) {
      pendingChars -= pending.poll().getText().length();
    }
    if (response.getOutputTruncated() && !dropping) {
      log.warn(
          "The server stores no more output of command {}: it went over the server's cap; the"
              + " script runs on, its further output is dropped",
          commandId);
      dropping = true;
      pending.clear();
      pendingChars = 0;
      // The result must not claim lines the server never received.
      lastSequence = storedThrough;
    }
    notifyAll();
  }

  private synchronized boolean isEmpty() {
    return pending.isEmpty();
  }
}
