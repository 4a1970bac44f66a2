package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.SelfSignedCertificates;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.polling.v1.PollRequest;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the tentacle's polling client really puts on the wire: a plain socket stands in for the
 * router and reads the ClientHello, as a router reads it, before any TLS is answered.
 */
@Timeout(60)
class PollingClientHelloTest {
  private static final int HANDSHAKE_RECORD = 22;
  private static final int CLIENT_HELLO = 1;
  private static final int ALPN_EXTENSION = 16;

  @Test
  void offersThePollingMarkerAfterH2() throws Exception {
    Identity tentacle = SelfSignedCertificates.create("cuttle-tentacle test", List.of());
    Thumbprint anyPin = Thumbprint.of(tentacle.certificate());
    try (ServerSocket router = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        PollingConnection connection =
            new PollingConnection(
                "https://127.0.0.1:" + router.getLocalPort(),
                tentacle,
                anyPin,
                Duration.ofSeconds(1),
                ProxyPolicy.direct())) {
      connection.polls.poll(PollRequest.getDefaultInstance()); // fails when the socket closes
      try (Socket socket = router.accept()) {
        socket.setSoTimeout(15_000);
        List<String> offered = offeredProtocols(socket.getInputStream());

        assertThat(offered).startsWith("h2").endsWith(AlpnMarker.POLLING);
        assertThat(offered).doesNotHaveDuplicates();
      }
    }
  }

  /** The ALPN list of the ClientHello at the start of {@code in} (RFC 8446 4.1.2, RFC 7301). */
  private static List<String> offeredProtocols(InputStream in) throws IOException {
    DataInputStream record = new DataInputStream(in);
    assertThat(record.readUnsignedByte()).as("record type").isEqualTo(HANDSHAKE_RECORD);
    record.readUnsignedShort(); // record version
    byte[] fragment = new byte[record.readUnsignedShort()];
    record.readFully(fragment);
    ByteBuffer hello = ByteBuffer.wrap(fragment);
    assertThat(hello.get()).as("handshake type").isEqualTo((byte) CLIENT_HELLO);
    int length = (hello.get() & 0xff) << 16 | (hello.getShort() & 0xffff);
    assertThat(length).as("hello fits one record").isEqualTo(hello.remaining());
    skip(hello, 2 + 32); // version, random
    skip(hello, u8(hello)); // session id
    skip(hello, u16(hello)); // cipher suites
    skip(hello, u8(hello)); // compression methods
    int extensionsEnd = u16(hello) + hello.position();
    while (hello.position() < extensionsEnd) {
      int type = u16(hello);
      int extensionLength = u16(hello);
      if (type != ALPN_EXTENSION) {
        skip(hello, extensionLength);
        continue;
      }
      int listEnd = u16(hello) + hello.position();
      List<String> protocols = new ArrayList<>();
      while (hello.position() < listEnd) {
        byte[] name = new byte[u8(hello)];
        hello.get(name);
        protocols.add(new String(name, StandardCharsets.US_ASCII));
      }
      return protocols;
    }
    return List.of();
  }

  private static int u8(ByteBuffer buffer) {
    return buffer.get() & 0xff;
  }

  private static int u16(ByteBuffer buffer) {
    return buffer.getShort() & 0xffff;
  }

  private static void skip(ByteBuffer buffer, int bytes) {
    buffer.position(buffer.position() + bytes);
  }
}
