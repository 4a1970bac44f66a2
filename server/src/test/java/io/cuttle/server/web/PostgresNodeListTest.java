package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import io.cuttle.server.data.NodeFiles;
import io.cuttle.server.data.PostgresPerClass;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL database each list both, and one that stops shows offline on the
 * other once its heartbeats are missing, until it starts again under the same name.
 */
@Timeout(120)
class PostgresNodeListTest {
  private static final Duration HEARTBEAT = Duration.ofMillis(500);

  @RegisterExtension static final PostgresPerClass postgres = new PostgresPerClass();

  @TempDir Path dir;

  private CuttleServer startNode(String name) throws Exception {
    return ServerPerClass.start(
        dir.resolve(name),
        b ->
            b.database(postgres.server().jdbcUrl(), postgres.server().user(), null)
                .nodeName(name)
                .nodeHeartbeat(HEARTBEAT));
  }

  /** Each node's name and whether it is online, as {@code api}'s node sees them. */
  private static Map<String, Boolean> online(ApiCaller api) throws Exception {
    Map<String, Boolean> online = new LinkedHashMap<>();
    for (JsonNode node : json(api.admin(HttpMethod.GET, "/api/nodes", null))) {
      online.put(node.get("name").asText(), node.get("online").asBoolean());
    }
    return online;
  }

  private static List<String> answering(ApiCaller api) throws Exception {
    List<String> names = new ArrayList<>();
    for (JsonNode node : json(api.admin(HttpMethod.GET, "/api/nodes", null))) {
      if (node.get("thisNode").asBoolean()) {
        names.add(node.get("name").asText());
      }
    }
    return names;
  }

  private static long startedMillis(ApiCaller api, String name) throws Exception {
    for (JsonNode node : json(api.admin(HttpMethod.GET, "/api/nodes", null))) {
      if (node.get("name").asText().equals(name)) {
        return node.get("startedMillis").asLong();
      }
    }
    throw new AssertionError(name + " is not listed");
  }

  @Test
  void eachNodeListsBothAndAStoppedOneTurnsOfflineUntilItIsBack() throws Exception {
    try (CuttleServer first = startNode("node-1");
        ApiCaller one = new ApiCaller(first)) {
      NodeFiles.copyIdentity(dir.resolve("node-1"), dir.resolve("node-2"));
      CuttleServer second = startNode("node-2");
      try (ApiCaller two = new ApiCaller(second)) {
        Map<String, Boolean> bothOnline = Map.of("node-1", true, "node-2", true);
        await().atMost(Duration.ofSeconds(20)).until(() -> online(one).equals(bothOnline));
        await().atMost(Duration.ofSeconds(20)).until(() -> online(two).equals(bothOnline));
        assertThat(answering(one)).containsExactly("node-1");
        assertThat(answering(two)).containsExactly("node-2");
      } finally {
        second.close();
      }
      long firstRun = startedMillis(one, "node-2");

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> online(one).equals(Map.of("node-1", true, "node-2", false)));

      try (CuttleServer again = startNode("node-2")) {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> online(one).equals(Map.of("node-1", true, "node-2", true)));
        assertThat(startedMillis(one, "node-2")).isGreaterThan(firstRun);
      }
    }
  }
}
