package io.cuttle.tentacle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries of a tar stream (POSIX ustar, with GNU long names and pax path headers, as GNU
 * tar and most tools write them). Only what extraction needs: names, types, sizes, link targets and
 * the execute bit; everything else in a header is ignored.
 */
final class TarReader {
  private static final int BLOCK = 512;
  private static final int MAX_LONG_NAME = 64 * 1024;

  enum Type {
    FILE("file"),
    DIRECTORY("folder"),
    SYMLINK("symbolic link"),
    HARD_LINK("hard link"),
    OTHER("device, pipe or other special file");

    final String description;

    Type(String description) {
      this.description = description;
    }
  }

  record Entry(String name, Type type, String linkTarget, boolean executable) {}

  /** The stream is not a tar archive, or ends in the middle of one. */
  static final class Malformed extends IOException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private long remaining;
  private long padding;

  TarReader(InputStream in) {
    this.in = in;
  }

  /** The next entry, or null at the end of the archive. Skips what is left of the current one. */
  Entry next() throws IOException {
    skip(remaining + padding);
    remaining = 0;
    padding = 0;
    String longName = null;
    String longLink = null;
    while (true) {
      if (!readBlock(header)) {
        return null;
      }
      if (isZeros(header)) {
        return null;
      }
      checkChecksum();
      char flag = (char) header[156];
      long size = octal(124, 12);
      switch (flag) {
        case 'L' -> longName = readText(size);
        case 'K' -> longLink = readText(size);
        case 'x' -> {
          String path = paxPath(readText(size));
          if (path != null) {
            longName = path;
          }
        }
        case 'g' -> readText(size); // global pax settings: nothing extraction needs
        default -> {
          String name = longName != null ? longName : name();
          String link = longLink != null ? longLink : text(157, 100);
          Type type = type(flag);
          remaining = type == Type.FILE ? size : 0;
          padding = type == Type.FILE ? pad(size) : size + pad(size);
          boolean executable = (octal(100, 8) & 0100) != 0;
          return new Entry(name, type, link, executable);
        }
      }
    }
  }

  /** The current entry's bytes, ending at its end. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
          throw new Malformed("the archive ends in the middle of an entry");
        }
        remaining -= n;
        return n;
      }
    };
  }

  private static Type type(char flag) {
    return switch (flag) {
      case '0', '\0', '7' -> Type.FILE;
      case '5' -> Type.DIRECTORY;
      case '2' -> Type.SYMLINK;
      case '1' -> Type.HARD_LINK;
      default -> Type.OTHER;
    };
  }

  private String name() {
    String name = text(0, 100);
    // POSIX ustar ("ustar\0") has a name prefix here; old GNU tar ("ustar  ") keeps times there.
    boolean posix = text(257, 6).equals("ustar");
    String prefix = posix ? text(345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String paxPath(String records) {
    // Each record is "<length> <key>=<value>\n".
    for (String line : records.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0 && line.startsWith("path=", space + 1)) {
        return line.substring(space + 1 + "path=".length());
      }
    }
    return null;
  }

  private String readText(long size) throws IOException {
    if (size > MAX_LONG_NAME) {
      throw new Malformed("a long name or pax header of " + size + " bytes is implausible");
    }
    byte[] text = in.readNBytes((int) size);
    if (text.length < size) {
      throw new Malformed("the archive ends in the middle of a header");
    }
    skip(pad(size));
    int end = text.length;
    while (end > 0 && text[end - 1] == 0) {
      end--;
    }
    return new String(text, 0, end, StandardCharsets.UTF_8);
  }

  private String text(int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private long octal(int offset, int length) throws Malformed {
    if ((header[offset] & 0x80) != 0) {
      throw new Malformed("an entry uses a binary size field, which packages do not need");
    }
    int end = offset + length;
    int i = offset;
    while (i < end && header[i] == ' ') {
      i++;
    }
    long value = 0;
    for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
      if (header[i] < '0' || header[i] > '7') {
        throw new Malformed("a header holds a number that is not octal");
      }
      value = value * 8 + (header[i] - '0');
    }
    return value;
  }

  private void checkChecksum() throws Malformed {
    long stored = octal(148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
    }
    if (sum != stored) {
      throw new Malformed("a header's checksum does not match; this is not a tar archive");
    }
  }

  private static long pad(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private boolean readBlock(byte[] block) throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    if (n == 0) {
      return false;
    }
    if (n < BLOCK) {
      throw new Malformed("the archive ends in the middle of a header");
    }
    return true;
  }

  private static boolean isZeros(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private void skip(long bytes) throws IOException {
    long left = bytes;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new Malformed("the archive ends in the middle of an entry");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }
}
