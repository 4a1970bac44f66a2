package io.cuttle.router;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the ALPN protocols a client offers (RFC 7301) from a ClientHello body, as Netty's {@link
 * io.netty.handler.ssl.SslClientHelloHandler} hands it over: starting at the client version, after
 * the handshake header. Netty reads the SNI; this reads the one other field routing needs.
 *
 * <p>Every length is checked against what is left, so a malformed hello yields an empty list, never
 * an exception or a read beyond the buffer. The list is capped: a client offering more is either
 * broken or probing.
 */
final class OfferedProtocols {
  static final int MAX_PROTOCOLS = 16;
  private static final int ALPN_EXTENSION = 16;
  private static final int VERSION_AND_RANDOM = 2 + 32;

  private OfferedProtocols() {}

  static List<String> in(ByteBuf clientHello) {
    if (clientHello == null) {
      return List.of();
    }
    Cursor at = new Cursor(clientHello);
    if (!at.skip(VERSION_AND_RANDOM)
        || !at.skip(at.u8()) // session id
        || !at.skip(at.u16()) // cipher suites
        || !at.skip(at.u8())) { // compression methods
      return List.of();
    }
    int extensionsLength = at.u16();
    if (extensionsLength < 0 || extensionsLength > at.left()) {
      return List.of();
    }
    int extensionsEnd = at.offset + extensionsLength;
    while (extensionsEnd - at.offset >= 4) {
      int type = at.u16();
      int length = at.u16();
      if (length > extensionsEnd - at.offset) {
        return List.of();
      }
      if (type == ALPN_EXTENSION) {
        return protocols(clientHello, at.offset, length);
      }
      at.skip(length);
    }
    return List.of();
  }

  private static List<String> protocols(ByteBuf buf, int start, int length) {
    if (length < 2) {
      return List.of();
    }
    int listLength = buf.getUnsignedShort(start);
    int end = start + 2 + listLength;
    if (listLength > length - 2) {
      return List.of();
    }
    List<String> protocols = new ArrayList<>();
    int offset = start + 2;
    while (offset < end && protocols.size() < MAX_PROTOCOLS) {
      int nameLength = buf.getUnsignedByte(offset++);
      if (nameLength == 0 || nameLength > end - offset) {
        return List.of();
      }
      protocols.add(buf.toString(offset, nameLength, StandardCharsets.US_ASCII));
      offset += nameLength;
    }
    return List.copyOf(protocols);
  }

  /** A read position that refuses to move past the buffer's readable end. */
  private static final class Cursor {
    private final ByteBuf buf;
    private final int end;
    private int offset;

    Cursor(ByteBuf buf) {
      this.buf = buf;
      this.offset = buf.readerIndex();
      this.end = buf.writerIndex();
    }

    int left() {
      return end - offset;
    }

    boolean skip(int bytes) {
      if (bytes < 0 || bytes > left()) {
        offset = end;
        return false;
      }
      offset += bytes;
      return true;
    }

    /** The next unsigned byte, or -1 (which fails the next skip) when none is left. */
    int u8() {
      if (left() < 1) {
        return -1;
      }
      return buf.getUnsignedByte(offset++);
    }

    int u16() {
      if (left() < 2) {
        offset = end;
        return -1;
      }
      int value = buf.getUnsignedShort(offset);
      offset += 2;
      return value;
    }
  }
}
