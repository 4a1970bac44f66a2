package io.cuttle.server.data;

import io.cuttle.wire.polling.ProgressLimits;
import io.cuttle.wire.polling.v1.LogLine;
import java.util.List;

/**
 * The most output of one command the server stores, so that a script printing without end cannot
 * fill the database: each line counts its UTF-8 bytes and one more for its line break, so a flood
 * of empty lines is bounded too.
 */
final class OutputCap {
  private static final long MIB = 1024 * 1024;

  private final long maxBytes;

  OutputCap(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
    }
    this.maxBytes = maxBytes;
  }

  /** How many of {@code lines}, in order, still fit after {@code storedBytes}, and their size. */
  record Fit(int lines, long bytes) {}

  Fit fit(long storedBytes, List<LogLine> lines) {
    long bytes = 0;
    int fitting = 0;
    for (LogLine line : lines) {
      long size = ProgressLimits.utf8Bytes(line.getText()) + 1;
      if (storedBytes + bytes + size > maxBytes) {
        break;
      }
      bytes += size;
      fitting++;
    }
    return new Fit(fitting, bytes);
  }

  /** The line stored in place of the first one dropped. */
  String marker() {
    String limit = maxBytes % MIB == 0 ? maxBytes / MIB + " MiB" : maxBytes + " bytes";
    return "output truncated: more than "
        + limit
        + " of output; the rest was dropped (the server keeps at most that much per command:"
        + " cuttle server --max-command-output-mb)";
  }
}
