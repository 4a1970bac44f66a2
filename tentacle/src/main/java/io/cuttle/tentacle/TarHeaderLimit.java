package io.cuttle.tentacle;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bounds what a tar reader may read while it looks for the next entry. commons-compress holds a GNU
 * long name or link target, a pax header and a sparse map in memory whole, however large the
 * archive says they are, so a small tar.gz could claim gigabytes of them; this stream refuses once
 * more than {@link #MAX_BYTES} pass between two entries. An entry's own content is not counted
 * here: {@link ExtractionBudget} counts it as it is written.
 */
final class TarHeaderLimit extends FilterInputStream {
  /** The long names, link targets and pax records one entry may have, with room for padding. */
  static final int MAX_BYTES = 64 * 1024 + 16 * 1024;

  /** More than {@link #MAX_BYTES} passed while looking for one entry. */
  static final class Exceeded extends IOException {
    private static final long serialVersionUID = 1L;

    Exceeded() {
      super("tar headers of more than " + MAX_BYTES + " bytes before one entry");
    }
  }

  private boolean counting;
  private long counted;
  private boolean exceeded;

  TarHeaderLimit(InputStream in) {
    super(in);
  }

  /** Counts from now on, until {@link #stop()}: the reader is between entries. */
  void start() {
    counting = true;
    counted = 0;
  }

  void stop() {
    counting = false;
  }

  /** Whether the limit was reached, whatever the reader made of the exception it got. */
  boolean exceeded() {
    return exceeded;
  }

  @Override
  public int read() throws IOException {
    count(1);
    return super.read();
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    count(n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count(skipped);
    return skipped;
  }

  private void count(long n) throws Exceeded {
    if (counting && n > 0) {
      counted += n;
      if (counted > MAX_BYTES) {
        exceeded = true;
        throw new Exceeded();
      }
    }
  }
}
