package io.cuttle.wire.polling;

/**
 * The most one ReportProgress batch may carry. The server refuses a batch over any of them with
 * INVALID_ARGUMENT, so a tentacle must cut its batches within them; they sit well inside the
 * server's 8 MiB message limit, so each batch is one bounded transaction.
 */
public final class ProgressLimits {
  /** Lines in one batch. */
  public static final int MAX_LINES_PER_BATCH = 1000;

  /** UTF-8 bytes of all the lines' text in one batch together. */
  public static final int MAX_TEXT_BYTES_PER_BATCH = 4 * 1024 * 1024;

  /** Characters in one line: the stored log's column holds no more. */
  public static final int MAX_LINE_CHARS = 16384;

  private ProgressLimits() {}

  /**
   * The length of {@code text} in UTF-8 without encoding it. A lone surrogate counts two bytes,
   * more than the one byte it is sent as, so the count never falls short.
   */
  public static long utf8Bytes(CharSequence text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }
}
