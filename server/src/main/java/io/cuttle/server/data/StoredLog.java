package io.cuttle.server.data;

import io.cuttle.wire.polling.v1.LogLine;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Writes a command's output lines to the log, masked. */
final class StoredLog {
  private StoredLog() {}

  static void insert(
      Handle h, String commandId, String taskId, LogMasks masks, List<LogLine> lines, long now) {
    List<String> texts = new ArrayList<>(lines.size());
    Map<LogLine.Stream, Integer> lastOfStream = new EnumMap<>(LogLine.Stream.class);
    for (LogLine line : lines) {
      String text = line.getText();
      if (line.getContinuesPrevious() && !masks.none()) {
        text = maskAcrossCut(h, commandId, masks, texts, lastOfStream.get(line.getStream()), line);
      }
      lastOfStream.put(line.getStream(), texts.size());
      texts.add(masks.mask(text));
    }
    var batch =
        h.prepareBatch(
            "INSERT INTO log_lines (command_id, task_id, sequence, stream, text, logged_at)"
                + " VALUES (:commandId, :taskId, :sequence, :stream, :text, :loggedAt)");
    for (int i = 0; i < lines.size(); i++) {
      LogLine line = lines.get(i);
      batch
          .bind("commandId", commandId)
          .bind("taskId", taskId)
          .bind("sequence", line.getSequence())
          .bind("stream", streamName(line.getStream()))
          .bind("text", LogMasks.fitColumn(texts.get(i)))
          .bind("loggedAt", line.getTimestampMillis() > 0 ? line.getTimestampMillis() : now)
          .add();
    }
    batch.execute();
  }

  private static String streamName(LogLine.Stream stream) {
    return stream == LogLine.Stream.STDERR ? "stderr" : "stdout";
  }

  /**
   * Masks a value straddling the cut before {@code line}: in the piece before it, from this batch
   * ({@code previous}, an index into {@code texts}) or else the stream's last stored line, which is
   * rewritten. Returns what is left of {@code line}'s text to mask on its own.
   */
  private static String maskAcrossCut(
      Handle h,
      String commandId,
      LogMasks masks,
      List<String> texts,
      Integer previous,
      LogLine line) {
    if (previous != null) {
      LogMasks.Cut cut = masks.acrossCut(texts.get(previous), line.getText());
      texts.set(previous, cut.before());
      return cut.after();
    }
    String stream = streamName(line.getStream());
    Optional<Long> storedSequence =
        h.createQuery(
                "SELECT MAX(sequence) FROM log_lines WHERE command_id = :id AND stream = :stream")
            .bind("id", commandId)
            .bind("stream", stream)
            .mapTo(Long.class)
            .findOne();
    if (storedSequence.isEmpty() || storedSequence.get() == null) {
      return line.getText();
    }
    String stored =
        h.createQuery("SELECT text FROM log_lines WHERE command_id = :id AND sequence = :sequence")
            .bind("id", commandId)
            .bind("sequence", storedSequence.get())
            .mapTo(String.class)
            .one();
    LogMasks.Cut cut = masks.acrossCut(stored, line.getText());
    if (!cut.before().equals(stored)) {
      h.createUpdate(
              "UPDATE log_lines SET text = :text WHERE command_id = :id AND sequence = :sequence")
          .bind("text", LogMasks.fitColumn(cut.before()))
          .bind("id", commandId)
          .bind("sequence", storedSequence.get())
          .execute();
    }
    return cut.after();
  }
}
