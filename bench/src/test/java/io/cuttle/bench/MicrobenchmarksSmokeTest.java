package io.cuttle.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;

/** Every JMH microbenchmark runs briefly and produces a sane score; speed is not judged here. */
@Timeout(300)
class MicrobenchmarksSmokeTest {
  @Test
  void everyBenchmarkProducesAScore() throws Exception {
    Collection<RunResult> results = Microbenchmarks.smokeRun();

    assertThat(results)
        .extracting(r -> r.getParams().getBenchmark())
        .contains(
            "io.cuttle.router.ClientHelloBenchmark.routeClientHello",
            "io.cuttle.router.ClientHelloBenchmark.offeredProtocols",
            "io.cuttle.router.RelayBenchmark.relayOneChunk");
    for (RunResult result : results) {
      assertThat(result.getPrimaryResult().getScore())
          .as(result.getParams().getBenchmark() + " " + result.getParams())
          .isPositive()
          .isFinite();
    }
  }
}
