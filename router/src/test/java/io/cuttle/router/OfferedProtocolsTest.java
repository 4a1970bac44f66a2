package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.testkit.ClientHellos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OfferedProtocolsTest {
  /** The ClientHello body as Netty hands it to lookup(): after record and handshake headers. */
  private static ByteBuf body(byte[] record) {
    return Unpooled.wrappedBuffer(Arrays.copyOfRange(record, 5 + 4, record.length));
  }

  @Test
  void readsTheProtocolsARealClientOffersInItsOrder() throws Exception {
    byte[] hello = ClientHellos.from("app.example.com", List.of("cuttle-polling", "h2"));

    assertThat(OfferedProtocols.in(body(hello))).containsExactly("cuttle-polling", "h2");
  }

  @Test
  void aHelloWithoutAlpnOffersNothing() throws Exception {
    assertThat(OfferedProtocols.in(body(ClientHellos.from("app.example.com")))).isEmpty();
    assertThat(OfferedProtocols.in(null)).isEmpty();
  }

  @Test
  void truncatedOrCorruptedHellosYieldNothingAndNeverThrow() throws Exception {
    byte[] hello = body(ClientHellos.from("app.example.com", List.of("h2"))).array();
    for (int length = 0; length < hello.length; length++) {
      ByteBuf cut = Unpooled.wrappedBuffer(Arrays.copyOf(hello, length));
      assertThat(OfferedProtocols.in(cut)).isEmpty();
    }
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] corrupted = hello.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt(256);
      }
      ByteBuf buf = Unpooled.wrappedBuffer(corrupted);
      List<String> protocols = OfferedProtocols.in(buf);
      assertThat(protocols.size()).isLessThanOrEqualTo(OfferedProtocols.MAX_PROTOCOLS);
      assertThat(buf.readerIndex()).as("reads without consuming").isZero();
    }
  }
}
