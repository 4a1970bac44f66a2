package io.cuttle.tentacle;

import java.io.IOException;
import java.io.Reader;

/**
 * Cuts a script's output into lines as {@link java.io.BufferedReader#readLine} does (at {@code \n},
 * {@code \r} or {@code \r\n}), except that no line is held whole: one longer than {@code maxChars}
 * is handed over in parts of at most that many characters, so a script that prints without newlines
 * cannot fill the tentacle's heap.
 */
final class OutputLines {
  /** Takes one line, or one part of a long line; may block to hold the script back. */
  interface Consumer {
    /**
     * @param continuesPrevious whether {@code line} goes on from the part handed over before it
     *     (this cut the line, not the script)
     */
    void accept(String line, boolean continuesPrevious) throws InterruptedException;
  }

  private OutputLines() {}

  static void split(Reader in, int maxChars, Consumer consumer)
      throws IOException, InterruptedException {
    char[] buffer = new char[8192];
    StringBuilder line = new StringBuilder();
    boolean afterCarriageReturn = false;
    boolean cutShort = false; // the text so far continues a line already partly handed over
    for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
      for (int i = 0; i < read; i++) {
        char c = buffer[i];
        if (c == '\n' && afterCarriageReturn) {
          afterCarriageReturn = false;
          continue;
        }
        afterCarriageReturn = c == '\r';
        if (c == '\n' || c == '\r') {
          if (line.length() > 0 || !cutShort) {
            consumer.accept(line.toString(), cutShort);
          }
          line.setLength(0);
          cutShort = false;
          continue;
        }
        line.append(c);
        // Never between the two halves of a surrogate pair, which would garble the character.
        if (line.length() >= maxChars && !Character.isHighSurrogate(c)) {
          consumer.accept(line.toString(), cutShort);
          line.setLength(0);
          cutShort = true;
        }
      }
    }
    if (line.length() > 0) {
      consumer.accept(line.toString(), cutShort);
    }
  }
}
