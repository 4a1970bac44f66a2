package io.cuttle.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny run of the router bench, so it keeps working: one short round through every target, real
 * processes and real TLS. It checks that every figure was produced and is sane, never how fast.
 */
@Timeout(300)
class RouterBenchSmokeTest {
  @Test
  void everyTargetYieldsEveryFigure(@TempDir Path dir) throws Exception {
    RouterBench.Settings tiny =
        new RouterBench.Settings(
            1,
            Duration.ofMillis(500),
            2,
            2,
            200,
            50,
            List.of(
                RouterTarget.DIRECT,
                RouterTarget.CUTTLE,
                RouterTarget.HAPROXY,
                RouterTarget.NGINX));

    RouterReport report = RouterBench.run(tiny, dir, line -> {});

    assertThat(report.summaries()).containsOnlyKeys(RouterTarget.values());
    report
        .summaries()
        .forEach(
            (target, s) -> {
              assertThat(s.connectionsPerSecond()).as(target + " conn/s").isPositive().isFinite();
              assertThat(s.megabytesPerSecond()).as(target + " MB/s").isPositive().isFinite();
              assertThat(s.p50Micros()).as(target + " p50").isPositive().isFinite();
              assertThat(s.p99Micros()).as(target + " p99").isGreaterThanOrEqualTo(s.p50Micros());
              assertThat(s.addedP99Micros()).as(target + " added p99").isFinite();
              if (target == RouterTarget.DIRECT) {
                assertThat(s.idleMegabytesPer10k()).as("no proxy, no proxy memory").isEmpty();
              } else {
                assertThat(s.idleMegabytesPer10k()).as(target + " idle memory").isPresent();
                assertThat(s.idleMegabytesPer10k().getAsDouble()).isFinite();
              }
            });
    assertThat(report.render())
        .contains("ratio to haproxy")
        .contains("cuttle router against its targets");
  }
}
