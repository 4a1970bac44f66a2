package io.cuttle.tentacle;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Counts a zip's central directory records where and as commons-compress's {@code ZipFile} will
 * read them (from the offset the last end-of-central-directory record names, zip64 included, for as
 * long as record signatures follow), without keeping them. {@code ZipFile} keeps every record in
 * memory, about 500 bytes each from 46 in the file, before the entry limit could stop it, so the
 * limit is checked here first.
 */
final class ZipDirectoryCount {
  private static final int END_SIGNATURE = 0x06054b50;
  private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
  private static final int ZIP64_END_SIGNATURE = 0x06064b50;
  private static final int RECORD_SIGNATURE = 0x02014b50;
  private static final int END_LENGTH = 22;
  private static final int MAX_COMMENT = 0xffff;

  private ZipDirectoryCount() {}

  /** The number of records, or {@code stopAfter + 1} as soon as there are more than that. */
  static long count(Path zip, long stopAfter) throws IOException {
    try (FileChannel channel = FileChannel.open(zip)) {
      long size = channel.size();
      if (size < END_LENGTH) {
        return 0; // not a zip: ZipFile says so
      }
      int tailLength = (int) Math.min(size, END_LENGTH + MAX_COMMENT);
      ByteBuffer tail = read(channel, size - tailLength, tailLength);
      int end = -1;
      for (int i = tailLength - END_LENGTH; i >= 0 && end < 0; i--) {
        if (tail.getInt(i) == END_SIGNATURE) {
          end = i;
        }
      }
      if (end < 0) {
        return 0;
      }
      long endPosition = size - tailLength + end;
      long directory = Integer.toUnsignedLong(tail.getInt(end + 16));
      if (endPosition >= 20) {
        ByteBuffer locator = read(channel, endPosition - 20, 20);
        if (locator.getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
          ByteBuffer zip64End = read(channel, locator.getLong(8), 56);
          if (zip64End.getInt(0) != ZIP64_END_SIGNATURE) {
            return 0; // ZipFile refuses it as corrupt
          }
          directory = zip64End.getLong(48);
        }
      }
      return countRecords(channel, directory, stopAfter);
    }
  }

  private static long countRecords(FileChannel channel, long start, long stopAfter)
      throws IOException {
    if (start < 0 || start >= channel.size()) {
      return 0;
    }
    channel.position(start);
    DataInputStream in =
        new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024));
    byte[] record = new byte[46];
    ByteBuffer fields = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
    long count = 0;
    try {
      while (count <= stopAfter) {
        in.readFully(record, 0, 4);
        if (fields.getInt(0) != RECORD_SIGNATURE) {
          break;
        }
        in.readFully(record, 4, 42);
        count++;
        int variable =
            Short.toUnsignedInt(fields.getShort(28))
                + Short.toUnsignedInt(fields.getShort(30))
                + Short.toUnsignedInt(fields.getShort(32));
        in.skipNBytes(variable);
      }
    } catch (EOFException e) {
      // a directory cut short: ZipFile refuses it, and what was counted is all there is
    }
    return count;
  }

  private static ByteBuffer read(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    if (position < 0) {
      return buffer.putInt(0, 0);
    }
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    return buffer;
  }
}
