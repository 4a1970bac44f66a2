package io.cuttle.server.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.server.data.Database;
import io.cuttle.server.data.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Polls held on one node woken by a command queued on another, through a real PostgreSQL. */
class PostgresWakeupsTest {
  private static final Duration NEVER_IN_THIS_TEST = Duration.ofMinutes(10);

  @TempDir static Path folder;
  private static TestPostgres postgres;
  private static Database database;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = TestPostgres.start(folder);
    database = Database.open(postgres.jdbcUrl(), postgres.user(), null);
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static PostgresWakeups node(String name, Duration recheck) {
    return PostgresWakeups.start(
        postgres.jdbcUrl(), postgres.user(), null, name, database.jdbi(), recheck);
  }

  private static int listeners(String nodeName) {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
                    .bind("name", "cuttle wake-ups " + nodeName)
                    .mapTo(Integer.class)
                    .one());
  }

  @Test
  void aSignalOnOneNodeWakesThePollsHeldOnAnotherEvenAfterItsConnectionWasCut() throws Exception {
    try (PostgresWakeups a = node("a", NEVER_IN_THIS_TEST);
        PostgresWakeups b = node("b", NEVER_IN_THIS_TEST)) {
      AtomicInteger woken = new AtomicInteger();
      try (AutoCloseable poll =
          b.waiters().tryAwait("T-1", 1, woken::incrementAndGet, () -> {}).orElseThrow()) {
        a.waiters().signal("T-1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(woken).hasValue(1));

        // The database ends b's listening connection, as a failover or an idle killer would: b
        // has its polls look again while it is cut off and once more when it listens again.
        database
            .jdbi()
            .useHandle(
                h ->
                    h.createQuery(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                + " WHERE application_name = 'cuttle wake-ups b'")
                        .mapToMap()
                        .list());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(woken).hasValue(3));
        assertThat(listeners("b")).isEqualTo(1);

        a.waiters().signal("T-1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(woken).hasValue(4));
        a.waiters().signal("T-2");
        b.waiters().signal("T-1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(woken).hasValue(5));
      }
    }
  }

  @Test
  void heldPollsLookAgainPeriodicallySoALostWakeUpOnlyDelaysThem() throws Exception {
    try (PostgresWakeups b = node("lossy", Duration.ofMillis(200))) {
      AtomicInteger woken = new AtomicInteger();
      try (AutoCloseable poll =
          b.waiters().tryAwait("T-9", 1, woken::incrementAndGet, () -> {}).orElseThrow()) {
        await().atMost(Duration.ofSeconds(10)).until(() -> woken.get() >= 3);
      }
    }
  }
}
