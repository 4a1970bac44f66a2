package io.cuttle.testkit;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Real ClientHellos, made by the JDK's own TLS client, and ways to cut them up: for the router's
 * and the server's tests and the router's ClientHello bench.
 */
public final class ClientHellos {
  private ClientHellos() {}

  /** The first flight of a JDK TLS client asking for {@code serverName} (null: no SNI). */
  public static byte[] from(String serverName) throws Exception {
    return from(serverName, List.of());
  }

  /** The same, offering {@code protocols} by ALPN in that order. */
  public static byte[] from(String serverName, List<String> protocols) throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine();
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    if (serverName != null) {
      parameters.setServerNames(List.of(new SNIHostName(serverName)));
    }
    if (!protocols.isEmpty()) {
      parameters.setApplicationProtocols(protocols.toArray(String[]::new));
    }
    engine.setSSLParameters(parameters);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }

  /**
   * A real ClientHello grown to a handshake body of exactly {@code helloBytes} by a padding
   * extension (RFC 7685) at its end, framed as one record whose length field is not checked (use
   * {@link #inRecordsOf} to send it).
   */
  public static byte[] paddedTo(int helloBytes, String serverName, List<String> protocols)
      throws Exception {
    byte[] hello = from(serverName, protocols);
    int body = 9; // record header (5) and handshake header (4)
    int extensionsLengthAt = body + 34 + 1 + (hello[body + 34] & 0xff);
    extensionsLengthAt += 2 + u16(hello, extensionsLengthAt);
    extensionsLengthAt += 1 + (hello[extensionsLengthAt] & 0xff);
    int padding = helloBytes - (hello.length - body) - 4;
    if (padding < 0) {
      throw new IllegalArgumentException("helloBytes: " + helloBytes + " (expected: more)");
    }
    ByteBuffer out = ByteBuffer.allocate(hello.length + 4 + padding);
    out.put(hello).putShort((short) 21).putShort((short) padding);
    out.putShort(3, (short) (helloBytes + 4));
    out.put(6, (byte) (helloBytes >>> 16)).putShort(7, (short) helloBytes);
    out.putShort(extensionsLengthAt, (short) (u16(hello, extensionsLengthAt) + 4 + padding));
    return out.array();
  }

  private static int u16(byte[] bytes, int at) {
    return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
  }

  /**
   * The same handshake message re-framed into TLS records of at most {@code recordPayload} bytes
   * each, as a client (or a middlebox) may legally send it.
   */
  public static byte[] inRecordsOf(byte[] singleRecord, int recordPayload) {
    byte[] handshake = Arrays.copyOfRange(singleRecord, 5, singleRecord.length);
    ByteBuffer out =
        ByteBuffer.allocate(handshake.length + 5 * (handshake.length / recordPayload + 1));
    for (int start = 0; start < handshake.length; start += recordPayload) {
      int length = Math.min(recordPayload, handshake.length - start);
      out.put((byte) 0x16).put(singleRecord[1]).put(singleRecord[2]);
      out.putShort((short) length);
      out.put(handshake, start, length);
    }
    return Arrays.copyOf(out.array(), out.position());
  }
}
