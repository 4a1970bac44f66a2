package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.LogLine;

/** Where a running script's output lines go, one call per line, in the order printed. */
interface LineSink {
  /** Takes one line; may block to hold back a script that prints faster than it is shipped. */
  void add(LogLine.Stream stream, String text) throws InterruptedException;

  /**
   * Takes one line, or one part of a line cut for length: {@code continuesPrevious} says it goes on
   * from this stream's previous part. Sinks that keep no such mark take it as a line of its own.
   */
  default void add(LogLine.Stream stream, String text, boolean continuesPrevious)
      throws InterruptedException {
    add(stream, text);
  }
}
