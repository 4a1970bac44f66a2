package io.cuttle.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes started at the same moment on an empty PostgreSQL database: Flyway's lock on
 * PostgreSQL lets one migrate while the others wait, so each migration runs exactly once.
 */
class PostgresNodesStartTogetherTest {
  @Test
  void nodesStartingAtOnceMigrateTheSchemaOnce(@TempDir Path folder) throws Exception {
    try (TestPostgres postgres = TestPostgres.start(folder)) {
      List<CompletableFuture<Database>> starts = new ArrayList<>();
      for (int node = 0; node < 4; node++) {
        starts.add(
            CompletableFuture.supplyAsync(
                () -> Database.open(postgres.jdbcUrl(), postgres.user(), null)));
      }
      List<Database> nodes = new ArrayList<>();
      try {
        for (CompletableFuture<Database> start : starts) {
          nodes.add(start.get(60, TimeUnit.SECONDS));
        }
        List<String> applied =
            nodes
                .get(0)
                .jdbi()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT version FROM flyway_schema_history WHERE success"
                                    + " AND version IS NOT NULL ORDER BY installed_rank")
                            .mapTo(String.class)
                            .list());
        assertThat(applied).doesNotHaveDuplicates().contains("1", "9");
      } finally {
        nodes.forEach(Database::close);
      }
    }
  }
}
