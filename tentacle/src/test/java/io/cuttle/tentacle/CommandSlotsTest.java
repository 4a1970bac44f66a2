package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.wire.polling.v1.Isolation;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The tentacle's own guard: slots promised once, and conflicting commands never start together. */
@Timeout(30)
class CommandSlotsTest {
  private static final Isolation ALONE = Isolation.getDefaultInstance();
  private static final Isolation FREE = Isolation.newBuilder().setAllowConcurrency(true).build();
  private static final Isolation DB =
      Isolation.newBuilder().setAllowConcurrency(true).setMutex("db").build();

  @Test
  void aSlotIsPromisedToOnePollAtATimeAndFreedWhenItsCommandEnds() {
    AtomicInteger freed = new AtomicInteger();
    CommandSlots slots = new CommandSlots(2, freed::incrementAndGet);

    assertThat(slots.promise()).isTrue();
    assertThat(slots.promise()).isTrue();
    assertThat(slots.promise()).as("both promised").isFalse();
    slots.unpromise();
    assertThat(slots.anyUnpromised()).isTrue();
    assertThat(slots.promise()).isTrue();
    slots.hold();
    slots.hold();
    assertThat(slots.anyUnpromised()).isFalse();

    slots.end("C-1");
    assertThat(freed).hasValue(1);
    assertThat(slots.promise()).isTrue();
  }

  @Test
  void theRule() {
    assertThat(CommandSlots.canRunTogether(FREE, FREE)).isTrue();
    assertThat(CommandSlots.canRunTogether(FREE, DB)).isTrue();
    assertThat(CommandSlots.canRunTogether(DB, DB)).isFalse();
    assertThat(CommandSlots.canRunTogether(ALONE, FREE)).isFalse();
    assertThat(CommandSlots.canRunTogether(FREE, ALONE)).isFalse();
  }

  @Test
  void aConflictingCommandWaitsForTheOneRunningToEnd() throws Exception {
    CommandSlots slots = new CommandSlots(2, () -> {});
    slots.promise();
    slots.hold();
    slots.begin("C-1", DB);
    slots.promise();
    slots.hold();

    CountDownLatch started = new CountDownLatch(1);
    Thread second =
        new Thread(
            () -> {
              try {
                slots.begin("C-2", DB);
                started.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    second.start();
    assertThat(started.await(300, TimeUnit.MILLISECONDS)).as("same mutex: waits").isFalse();

    slots.end("C-1");
    assertThat(started.await(10, TimeUnit.SECONDS)).as("starts once the first ended").isTrue();
    second.join(10_000);
  }
}
