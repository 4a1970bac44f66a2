package io.cuttle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import io.cuttle.server.data.DatabaseAvailability;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The login gate's limits, with logins held open by a latch and a clock that stands still. */
class LoginGateTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private final DatabaseAvailability database =
      DatabaseAvailability.watch(() -> {}, clock, Duration.ofHours(1));
  private final LoginGate gate = new LoginGate(clock, new Problems(new ObjectMapper(), database));

  @AfterEach
  void close() {
    gate.close();
    database.close();
  }

  @Test
  void loginsBeyondTheBoundAreRefusedWithRetryAfterAndRunOffTheSharedPool() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> threads = new ArrayList<>();
    List<CompletableFuture<HttpResponse>> held = new ArrayList<>();
    for (int i = 0; i < LoginGate.MAX_LOGINS_IN_FLIGHT; i++) {
      held.add(
          gate.run(
              address(1 + i),
              () -> {
                synchronized (threads) {
                  threads.add(Thread.currentThread().getName());
                }
                await(release);
                return HttpResponse.of(204);
              }));
    }

    AggregatedHttpResponse refused = answer(gate.run(address(100), () -> HttpResponse.of(204)));

    assertThat(refused.status().code()).isEqualTo(429);
    assertThat(refused.headers().get("retry-after")).isEqualTo("1");
    assertThat(refused.contentUtf8()).contains("busy with other logins");
    release.countDown();
    for (CompletableFuture<HttpResponse> login : held) {
      assertThat(answer(login).status().code()).isEqualTo(204);
    }
    assertThat(threads).allMatch(name -> name.startsWith("cuttle-login-"));
    assertThat(answer(gate.run(address(100), () -> HttpResponse.of(204))).status().code())
        .isEqualTo(204);
  }

  @Test
  void oneAddressGetsItsBudgetOfLoginsAndOthersAreNotHeldBack() throws Exception {
    for (int i = 0; i < LoginGate.LOGINS_PER_ADDRESS; i++) {
      assertThat(answer(gate.run(address(7), () -> HttpResponse.of(204))).status().code())
          .isEqualTo(204);
    }

    AggregatedHttpResponse throttled = answer(gate.run(address(7), () -> HttpResponse.of(204)));

    assertThat(throttled.status().code()).isEqualTo(429);
    assertThat(throttled.headers().get("retry-after")).isEqualTo("1");
    assertThat(throttled.contentUtf8()).contains("too many logins from your address");
    assertThat(answer(gate.run(address(8), () -> HttpResponse.of(204))).status().code())
        .isEqualTo(204);
  }

  private static InetAddress address(int last) throws Exception {
    return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
  }

  private static AggregatedHttpResponse answer(CompletableFuture<HttpResponse> response)
      throws Exception {
    return response.get(30, TimeUnit.SECONDS).aggregate().get(30, TimeUnit.SECONDS);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
