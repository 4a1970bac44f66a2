package io.cuttle.server.polling;

/**
 * A value a peer sent, made fit to repeat in an answer or a log line: at most {@link #MAX_CHARS}
 * characters, anything outside printable ASCII escaped. Echoed whole, a 1 MiB id became a 3 MiB
 * error trailer (gRPC percent-encodes it) held in the heap until the peer read it.
 */
final class PeerText {
  static final int MAX_CHARS = 80;

  private PeerText() {}

  static String cut(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 16);
    int shown = Math.min(value.length(), MAX_CHARS);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (value.length() > MAX_CHARS) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.toString();
  }
}
