package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aSourceGetsItsBurstThenItsRateAndOthersAreNotAffected() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(1000, 2, 3);
    InetAddress noisy = InetAddress.getByName("127.0.0.2");
    InetAddress quiet = InetAddress.getByName("127.0.0.3");

    for (int i = 0; i < 3; i++) {
      assertThat(limiter.admit(noisy, 0)).isNull();
    }
    assertThat(limiter.admit(noisy, 0)).isEqualTo(CloseReason.RATE_LIMITED);
    assertThat(limiter.admit(quiet, 0)).isNull();
    assertThat(limiter.admit(noisy, SECOND / 2)).as("one token back after 0.5 s at 2/s").isNull();
    assertThat(limiter.admit(noisy, SECOND / 2)).isEqualTo(CloseReason.RATE_LIMITED);
  }

  @Test
  void theGlobalCapCountsOpenConnectionsAndFreesASlotOnRelease() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(2, 0, 1);
    InetAddress source = InetAddress.getLoopbackAddress();

    assertThat(limiter.admit(source, 0)).isNull();
    assertThat(limiter.admit(source, 0)).isNull();
    assertThat(limiter.admit(source, 0)).isEqualTo(CloseReason.CONNECTION_LIMIT);
    assertThat(limiter.open()).isEqualTo(2);

    limiter.release();

    assertThat(limiter.admit(source, 0)).isNull();
  }

  @Test
  void aRateLimitedAttemptDoesNotTakeASlot() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(10, 1, 1);
    InetAddress source = InetAddress.getLoopbackAddress();
    limiter.admit(source, 0);

    assertThat(limiter.admit(source, 0)).isEqualTo(CloseReason.RATE_LIMITED);
    assertThat(limiter.open()).isEqualTo(1);
  }

  @Test
  void forgetsSourcesWhoseBucketsAreFullAgainOnceTheTableIsLarge() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(Integer.MAX_VALUE, 1000, 1);
    byte[] address = {10, 0, 0, 0};
    for (int i = 0; i < ConnectionLimiter.MAX_TRACKED_SOURCES; i++) {
      address[1] = (byte) (i >> 16);
      address[2] = (byte) (i >> 8);
      address[3] = (byte) i;
      limiter.admit(InetAddress.getByAddress(address), 0);
    }
    assertThat(limiter.trackedSources()).isEqualTo(ConnectionLimiter.MAX_TRACKED_SOURCES);

    limiter.admit(InetAddress.getByName("192.0.2.1"), SECOND);

    assertThat(limiter.trackedSources()).isEqualTo(1);
  }
}
