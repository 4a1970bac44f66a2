package io.cuttle.server.data;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2OrchestrationTest extends OrchestrationContract {
  @TempDir Path database;

  @Override
  Database openDatabase() {
    return Database.open(Database.embeddedUrl(database), null, null);
  }
}
