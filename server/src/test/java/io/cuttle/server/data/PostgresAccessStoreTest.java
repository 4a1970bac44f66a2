package io.cuttle.server.data;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The same contract on a real PostgreSQL server, with the same Flyway migrations as H2. */
class PostgresAccessStoreTest extends AccessStoreContract {
  @TempDir static java.nio.file.Path folder;
  private static TestPostgres postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = TestPostgres.start(folder);
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
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
