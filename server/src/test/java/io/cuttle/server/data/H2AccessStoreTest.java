package io.cuttle.server.data;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2AccessStoreTest extends AccessStoreContract {
  @TempDir Path data;

  @Override
  Database openDatabase() {
    return Database.open(Database.embeddedUrl(data), null, null);
  }
}
