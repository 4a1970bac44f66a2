package io.cuttle.server.polling;

import io.cuttle.wire.polling.ProgressLimits;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.ProgressReport;
import java.util.Optional;

/**
 * Holds a progress batch to {@link ProgressLimits} before anything of it is stored, so one batch is
 * one bounded transaction. A tentacle cuts its batches within them; a batch over one comes from a
 * broken or hostile caller, and is refused whole with words saying which limit it broke.
 */
final class ProgressBatchCheck {
  private ProgressBatchCheck() {}

  /** Why the batch is refused, or empty when it is within every limit. */
  static Optional<String> problem(ProgressReport report) {
    if (report.getLinesCount() > ProgressLimits.MAX_LINES_PER_BATCH) {
      return Optional.of(
          "a progress batch holds at most "
              + ProgressLimits.MAX_LINES_PER_BATCH
              + " lines but this one has "
              + report.getLinesCount()
              + "; send them in several batches");
    }
    long bytes = 0;
    for (LogLine line : report.getLinesList()) {
      if (line.getText().length() > ProgressLimits.MAX_LINE_CHARS) {
        return Optional.of(
            "line "
                + line.getSequence()
                + " has "
                + line.getText().length()
                + " characters (expected: at most "
                + ProgressLimits.MAX_LINE_CHARS
                + "); cut longer lines into parts");
      }
      bytes += ProgressLimits.utf8Bytes(line.getText());
    }
    if (bytes > ProgressLimits.MAX_TEXT_BYTES_PER_BATCH) {
      return Optional.of(
          "a progress batch holds at most "
              + ProgressLimits.MAX_TEXT_BYTES_PER_BATCH
              + " bytes of text but this one has "
              + bytes
              + "; send the lines in several batches");
    }
    return Optional.empty();
  }
}
