package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.LogLine;

/** Where a running script's output lines go, one call per line, in the order printed. */
interface LineSink {
  /** Takes one line; may block to hold back a script that prints faster than it is shipped. */
  void add(LogLine.Stream stream, String text) throws InterruptedException;
}
