package io.cuttle.server.data;

import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.polling.v1.LogLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The commands' stored output: lines appended in sequence without gaps or repeats, sensitive values
 * masked, and each command's output held to the cap. The queue decides what runs where; this class
 * only keeps what the runs print.
 */
public final class CommandLog {
  /** What a sensitive value is replaced with, in logs and in the variables a user reads back. */
  public static final String MASK = "********";

  private final Jdbi jdbi;
  private final Secrets secrets;
  private final OutputCap outputCap;
  private final CommandEvents events;

  /**
   * @param maxOutputBytes how much output of one command is stored, see {@link OutputCap}
   */
  public CommandLog(Jdbi jdbi, Secrets secrets, long maxOutputBytes) {
    this(jdbi, secrets, maxOutputBytes, CommandEvents.NONE);
  }

  /**
   * @param events told how many bytes of output each append stored
   */
  public CommandLog(Jdbi jdbi, Secrets secrets, long maxOutputBytes, CommandEvents events) {
    this.jdbi = jdbi;
    this.secrets = secrets;
    this.outputCap = new OutputCap(maxOutputBytes);
    this.events = events;
  }

  /**
   * How far a command's log reaches: the highest sequence received without a gap, and whether its
   * output went over the cap, so that later lines are counted but dropped.
   */
  public record LogProgress(long storedThrough, boolean truncated) {}

  /**
   * Stores the lines that extend the command's log without a gap, ignoring ones already stored (a
   * resent batch). Returns how far the log reaches, or empty if the command is not this tentacle's.
   *
   * <p>The line that would take the command's output over the cap is stored as a marker saying so
   * instead; it and every later line are counted as received but not stored, so the command's
   * result is still recorded.
   *
   * <p>Readers page through a task's log by line id ({@code id > after}). Ids are handed out at
   * insert but become visible at commit, so two targets' batches committing out of id order would
   * let a reader pass lines that appear a moment later, and never see them. Appends for one task
   * therefore take the task's row lock first (the order {@code TaskStore.finishCommand} uses too),
   * which makes id order and commit order the same for that task, on one node or many.
   */
  public Optional<LogProgress> append(
      String tentacleId, String commandId, List<LogLine> lines, long now) {
    return jdbi.inTransaction(
        h -> {
          if (TaskStore.lockTaskOf(h, tentacleId, commandId).isEmpty()) {
            return Optional.empty();
          }
          Optional<LogCursor> cursor =
              h.createQuery(
                      "SELECT task_id, log_through, log_bytes, log_truncated, state, masked_names"
                          + " FROM commands WHERE id = :id AND tentacle_id = :t FOR UPDATE")
                  .bind("id", commandId)
                  .bind("t", tentacleId)
                  .map(
                      (rs, ctx) ->
                          new LogCursor(
                              rs.getString("task_id"),
                              rs.getLong("log_through"),
                              rs.getLong("log_bytes"),
                              rs.getBoolean("log_truncated"),
                              rs.getString("state"),
                              rs.getString("masked_names")))
                  .findOne();
          if (cursor.isEmpty()) {
            return Optional.empty();
          }
          LogCursor log = cursor.get();
          long through = log.logThrough();
          if (CommandState.valueOf(log.state()).finished()) {
            return Optional.of(new LogProgress(through, log.truncated()));
          }
          List<LogLine> fresh = new ArrayList<>();
          for (LogLine line : lines) {
            if (line.getSequence() == through + fresh.size() + 1) {
              fresh.add(line);
            }
          }
          if (fresh.isEmpty()) {
            return Optional.of(new LogProgress(through, log.truncated()));
          }
          OutputCap.Fit fit =
              log.truncated() ? new OutputCap.Fit(0, 0) : outputCap.fit(log.logBytes(), fresh);
          boolean truncatesNow = !log.truncated() && fit.lines() < fresh.size();
          List<LogLine> stored = new ArrayList<>(fresh.subList(0, fit.lines()));
          if (truncatesNow) {
            stored.add(
                LogLine.newBuilder()
                    .setSequence(through + fit.lines() + 1)
                    .setStream(LogLine.Stream.STDERR)
                    .setText(outputCap.marker())
                    .setTimestampMillis(now)
                    .build());
          }
          insertLines(h, commandId, log, stored, now);
          long newThrough = through + fresh.size();
          h.createUpdate(
                  "UPDATE commands SET log_through = :through, log_bytes = :bytes,"
                      + " log_truncated = :truncated WHERE id = :id")
              .bind("through", newThrough)
              .bind("bytes", log.logBytes() + fit.bytes())
              .bind("truncated", log.truncated() || truncatesNow)
              .bind("id", commandId)
              .execute();
          events.outputStored(fit.bytes());
          return Optional.of(new LogProgress(newThrough, log.truncated() || truncatesNow));
        });
  }

  private void insertLines(
      Handle h, String commandId, LogCursor log, List<LogLine> lines, long now) {
    if (!lines.isEmpty()) {
      LogMasks masks = new LogMasks(secretValues(h, commandId, log.maskedNames()));
      StoredLog.insert(h, commandId, log.taskId(), masks, lines, now);
    }
  }

  /** The values of the command's sensitive variables. */
  private List<String> secretValues(Handle h, String commandId, String maskedNames) {
    if (maskedNames == null) {
      return List.of();
    }
    var variables =
        StoredCommands.payloadOf(h, secrets, commandId).getRunScript().getVariablesMap();
    return Arrays.stream(maskedNames.split(",")).map(variables::get).toList();
  }

  private record LogCursor(
      String taskId,
      long logThrough,
      long logBytes,
      boolean truncated,
      String state,
      String maskedNames) {}
}
