package io.cuttle.server.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Deployments moving on a real PostgreSQL server, with the same Flyway migrations as H2. */
class PostgresOrchestrationTest extends OrchestrationContract {
  private static Path folder;
  private static TestPostgres postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    folder = Files.createTempDirectory("cuttle-pg");
    postgres = TestPostgres.start(folder);
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
    try (var files = Files.walk(folder)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Override
  void emptyDatabase() throws Exception {
    postgres.reset();
  }

  @Override
  Database openDatabase() {
    return Database.open(postgres.jdbcUrl(), postgres.user(), null);
  }
}
