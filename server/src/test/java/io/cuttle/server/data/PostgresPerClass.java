package io.cuttle.server.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real PostgreSQL server per test class, its data in a temp folder removed afterwards. Register
 * it as a static field with {@code @RegisterExtension}; tests empty it with {@link
 * TestPostgres#reset()} when they need a fresh schema.
 */
public final class PostgresPerClass implements BeforeAllCallback, AfterAllCallback {
  private Path folder;
  private TestPostgres server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    folder = Files.createTempDirectory("cuttle-pg");
    server = TestPostgres.start(folder);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  public TestPostgres server() {
    return server;
  }

  /** A new connection pool to it, migrated like every server's. */
  public Database open() {
    return Database.open(server.jdbcUrl(), server.user(), null);
  }
}
