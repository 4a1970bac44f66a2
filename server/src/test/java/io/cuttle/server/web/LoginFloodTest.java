package io.cuttle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flood of logins through the public port: the client's budget runs out, and authenticated calls
 * are still answered meanwhile. The clock stands still, so no budget is refilled.
 */
class LoginFloodTest {
  private static final int FLOODERS = 24;
  private static final int LOGINS_EACH = 6;
  private static final Clock STILL =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass(b -> b.clock(STILL));
  private static ApiCaller api;

  @Test
  void aLoginFloodIsThrottledPerAddressWhileAuthenticatedCallsAnswer() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(FLOODERS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<AggregatedHttpResponse>>> flooders = new ArrayList<>();
      for (int f = 0; f < FLOODERS; f++) {
        int flooder = f;
        flooders.add(
            pool.submit(
                () -> {
                  start.await();
                  List<AggregatedHttpResponse> answers = new ArrayList<>();
                  for (int i = 0; i < LOGINS_EACH; i++) {
                    answers.add(api.attemptLogin("nobody-" + flooder + "-" + i, "some guess"));
                  }
                  return answers;
                }));
      }
      start.countDown();
      for (int i = 0; i < 5; i++) {
        AggregatedHttpResponse tentacles = api.admin(HttpMethod.GET, "/api/tentacles", null);
        assertThat(tentacles.status().code()).as(tentacles.contentUtf8()).isEqualTo(200);
      }
      List<AggregatedHttpResponse> answers = new ArrayList<>();
      for (Future<List<AggregatedHttpResponse>> flooder : flooders) {
        answers.addAll(flooder.get(120, TimeUnit.SECONDS));
      }

      assertThat(answers).allMatch(a -> a.status().code() == 401 || a.status().code() == 429);
      assertThat(answers)
          .filteredOn(a -> a.status().code() == 429)
          .allMatch(a -> "1".equals(a.headers().get("retry-after")));
      assertThat(answers)
          .filteredOn(a -> a.contentUtf8().contains("too many logins from your address"))
          .hasSize(FLOODERS * LOGINS_EACH - LoginGate.LOGINS_PER_ADDRESS);
      assertThat(answers).anyMatch(a -> a.status().code() == 401);
      assertThat(api.admin(HttpMethod.GET, "/api/tentacles", null).status().code()).isEqualTo(200);
    } finally {
      pool.shutdownNow();
    }
  }
}
