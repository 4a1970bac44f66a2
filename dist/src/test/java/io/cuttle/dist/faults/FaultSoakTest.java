package io.cuttle.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault soak: minutes of every kind of fault, half-open links included. Run only with {@code
 * mvn verify -Psoak} (see docs/faults.md); {@code -Dcuttle.soak.minutes} sets its length and {@code
 * -Dcuttle.soak.seed} replays a run.
 */
@Tag("soak")
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.HOURS)
class FaultSoakTest {
  @Test
  void minutesOfRandomFaultsLoseAndRepeatNothing(@TempDir Path dir) throws Exception {
    FaultSoak.Report report =
        new FaultSoak(dir, SoakSettings.seed(), List.of(FaultSoak.Fault.values()))
            .run(SoakSettings.length());

    assertThat(report.commands()).isPositive();
    assertThat(report.lost()).isZero();
    assertThat(report.duplicated()).isZero();
    assertThat(report.problems()).isEmpty();
    // The hostile peers among the faults: the server holds almost nothing for them and logs at
    // most a line for each kind.
    assertThat(report.directMemoryGrowth()).isLessThan(64L << 20);
    assertThat(report.hostileLogLines()).hasSizeLessThanOrEqualTo(2);
  }
}
