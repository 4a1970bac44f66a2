package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/nodes} on a single server with its embedded database: it lists itself. */
class NodeApiTest {
  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static CuttleServer server;
  private static ApiCaller api;

  @Test
  void theServerListsItselfAsTheOnlineNodeThatAnswered() throws Exception {
    AggregatedHttpResponse response = api.admin(HttpMethod.GET, "/api/nodes", null);

    assertThat(response.status().code()).as(response.contentUtf8()).isEqualTo(200);
    JsonNode nodes = json(response);
    assertThat(nodes).hasSize(1);
    JsonNode self = nodes.get(0);
    assertThat(self.get("name").asText()).isEqualTo(server.nodeName()).isNotBlank();
    assertThat(self.get("address").asText()).isEqualTo("https://127.0.0.1:" + server.publicPort());
    assertThat(self.get("version").asText()).isEqualTo(CuttleServer.VERSION);
    assertThat(self.get("thumbprint").asText()).isEqualTo(server.thumbprint().toString());
    assertThat(self.get("online").asBoolean()).isTrue();
    assertThat(self.get("thisNode").asBoolean()).isTrue();
    assertThat(self.get("tentaclesPolling").asInt()).isZero();
    assertThat(self.get("lastSeenMillis").asLong())
        .isGreaterThanOrEqualTo(self.get("startedMillis").asLong());
  }

  @Test
  void aViewerMayReadTheListAndAStrangerMayNot() throws Exception {
    AggregatedHttpResponse created =
        api.admin(
            HttpMethod.POST,
            "/api/users",
            "{\"name\":\"node-watcher\",\"password\":\"a long enough password\","
                + "\"role\":\"viewer\"}");
    assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(201);
    ApiCaller.Session viewer = api.login("node-watcher", "a long enough password");

    AggregatedHttpResponse read =
        api.call(HttpMethod.GET, "/api/nodes", viewer.read(), (String) null);
    AggregatedHttpResponse stranger = api.call(HttpMethod.GET, "/api/nodes", (String) null, null);

    assertThat(read.status().code()).as(read.contentUtf8()).isEqualTo(200);
    assertThat(json(read).get(0).get("name").asText()).isEqualTo(server.nodeName());
    assertThat(stranger.status().code()).isEqualTo(401);
    assertThat(ApiCaller.problem(stranger)).contains("needs an API key");
  }

  @Test
  void theApiDocumentationListsIt() throws Exception {
    AggregatedHttpResponse docs =
        api.call(HttpMethod.GET, "/docs/specification.json", (String) null, null);

    assertThat(docs.contentUtf8()).contains("/api/nodes");
  }
}
