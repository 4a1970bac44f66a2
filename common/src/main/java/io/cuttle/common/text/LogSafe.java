package io.cuttle.common.text;

/**
 * A value a peer sent, made fit for a log line or an error description: cut to a short prefix, so a
 * megabyte id cannot grow the log by a megabyte, and with control characters escaped, so a line
 * break in an id cannot write a forged log line. Every peer-supplied value in a log line goes
 * through here.
 */
public final class LogSafe {
  /** Longer than any id, name or thumbprint Cuttle hands out, so real values show whole. */
  public static final int MAX_CHARS = 100;

  private LogSafe() {}

  public static String of(String value) {
    if (value == null) {
      return "null";
    }
    int shown = Math.min(value.length(), MAX_CHARS);
    StringBuilder text = new StringBuilder(shown + 32);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        case '\t' -> text.append("\\t");
        case '\\' -> text.append("\\\\");
        default -> {
          if (Character.isISOControl(c) || isLineOrFormatSeparator(c)) {
            text.append(String.format("\\u%04x", (int) c));
          } else {
            text.append(c);
          }
        }
      }
    }
    if (shown < value.length()) {
      text.append("…(").append(value.length()).append(" characters)");
    }
    return text.toString();
  }

  private static boolean isLineOrFormatSeparator(char c) {
    int type = Character.getType(c);
    return type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.FORMAT;
  }
}
