package io.cuttle.common.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Text a tentacle supplied (its script's output, result messages, health details, names), made safe
 * to print on an admin's terminal. A terminal obeys control characters: ESC starts sequences that
 * clear the screen, retitle the window or write the clipboard (OSC 52), and CR or LF lets one line
 * pass itself off as another target's line. So every control character (C0, DEL, C1) is shown
 * escaped instead, except tab; so are the Unicode line separators and the bidirectional overrides,
 * which can move text over a line's prefix.
 *
 * <p>Backslashes are left as they are, so Windows paths in output stay readable: a script that
 * prints a literal {@code \r} looks like one that printed a CR. The stored log and {@code log.txt}
 * keep the exact text for when that matters.
 */
public final class TerminalText {
  private TerminalText() {}

  /** A value shown inside one line of the terminal: line breaks are escaped too. */
  public static String field(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder shown = new StringBuilder(value.length() + 16);
    appendEscaped(value, 0, value.length(), shown);
    return shown.toString();
  }

  /**
   * Output text as the physical lines it would make on a terminal, each escaped so that a caller
   * can give every one of them its own prefix: cut at LF, with CR shown as {@code \r}.
   */
  public static List<String> lines(String text) {
    if (text == null) {
      return List.of("null");
    }
    List<String> lines = new ArrayList<>(1);
    int start = 0;
    while (true) {
      int end = text.indexOf('\n', start);
      StringBuilder line = new StringBuilder();
      appendEscaped(text, start, end < 0 ? text.length() : end, line);
      lines.add(line.toString());
      if (end < 0) {
        return lines;
      }
      start = end + 1;
    }
  }

  private static void appendEscaped(String text, int from, int to, StringBuilder out) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\t' -> out.append(c);
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> {
          if (Character.isISOControl(c) || movesText(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  /** Line and paragraph separators, and the bidirectional embeddings, overrides and isolates. */
  private static boolean movesText(char c) {
    return c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
