package io.cuttle.server.data;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The same contract on a real PostgreSQL server, with the same Flyway migrations as H2. */
class PostgresAccessStoreTest extends AccessStoreContract {
  @RegisterExtension static final PostgresPerClass postgres = new PostgresPerClass();

  @Override
  void emptyDatabase() throws Exception {
    postgres.server().reset();
  }

  @Override
  Database openDatabase() {
    return postgres.open();
  }
}
