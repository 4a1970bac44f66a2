package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.json;
import static io.cuttle.server.web.ApiCaller.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Health checks through the REST API, for what needs no running tentacle: tentacles that never
 * polled (so never said they can run checks) and bad requests. Checks that run are tested end to
 * end with real tentacles (dist HealthCheckTest).
 */
class HealthCheckApiTest {
  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static ApiCaller api;

  @BeforeAll
  static void start() throws Exception {
    for (String name : List.of("hc-web-1", "hc-db-1")) {
      AggregatedHttpResponse registered =
          api.admin(
              HttpMethod.POST,
              "/api/tentacles",
              TentacleRegistrations.registration(
                  name,
                  TentacleRegistrations.newThumbprint(),
                  "Dev",
                  name.contains("web") ? "web" : "db"));
      assertThat(registered.status().code()).as(registered.contentUtf8()).isEqualTo(200);
    }
  }

  @Test
  void aTentacleThatNeverPolledIsOfflineAndSaysWhy() throws Exception {
    JsonNode tentacle = json(api.admin(HttpMethod.GET, "/api/tentacles/hc-web-1", null));

    assertThat(tentacle.get("status").asText()).isEqualTo("OFFLINE");
    assertThat(tentacle.get("problem").asText()).contains("it has never polled");
    assertThat(tentacle.get("lastHealthCheck").isNull()).isTrue();
    assertThat(tentacle.get("healthCheckPending").asBoolean()).isFalse();
  }

  @Test
  void checkingATentacleThatCannotRunChecksExplainsAndQueuesNothing() throws Exception {
    AggregatedHttpResponse one =
        api.admin(HttpMethod.POST, "/api/tentacles/hc-web-1/health-check", null);

    assertThat(one.status().code()).isEqualTo(400);
    assertThat(problem(one))
        .contains("tentacle 'hc-web-1'")
        .contains("cannot run health checks; upgrade it");
    assertThat(
            json(api.admin(HttpMethod.GET, "/api/tentacles/hc-web-1", null))
                .get("healthCheckPending")
                .asBoolean())
        .isFalse();
  }

  @Test
  void checkingAFilteredFleetNamesTheTentaclesThatCannotRunChecks() throws Exception {
    AggregatedHttpResponse all =
        api.admin(HttpMethod.POST, "/api/tentacles/health-check", "{\"roles\":[\"db\"]}");

    assertThat(all.status().code()).as(all.contentUtf8()).isEqualTo(200);
    JsonNode started = json(all);
    assertThat(started.get("taskId").isNull()).isTrue();
    assertThat(started.get("queued")).isEmpty();
    assertThat(started.get("notCapable").toString()).isEqualTo("[\"hc-db-1\"]");
  }

  @Test
  void badRequestsGetAMessageAPersonCanActOn() throws Exception {
    AggregatedHttpResponse unknown =
        api.admin(HttpMethod.POST, "/api/tentacles/nobody/health-check", null);
    AggregatedHttpResponse noMatch =
        api.admin(HttpMethod.POST, "/api/tentacles/health-check", "{\"environment\":\"Nowhere\"}");
    AggregatedHttpResponse badField =
        api.admin(HttpMethod.POST, "/api/tentacles/health-check", "{\"envirnoment\":\"Dev\"}");

    assertThat(unknown.status().code()).isEqualTo(404);
    assertThat(problem(unknown)).contains("no tentacle named 'nobody'");
    assertThat(noMatch.status().code()).isEqualTo(400);
    assertThat(problem(noMatch)).contains("no registered tentacle matches environment 'Nowhere'");
    assertThat(badField.status().code()).isEqualTo(400);
    assertThat(problem(badField)).contains("envirnoment");
  }

  @Test
  void aViewerCannotStartAHealthCheck() throws Exception {
    AggregatedHttpResponse created =
        api.admin(
            HttpMethod.POST,
            "/api/users",
            "{\"name\":\"hc-viewer\",\"password\":\"correct horse battery\",\"role\":\"viewer\"}");
    assertThat(created.status().code()).as(created.contentUtf8()).isIn(200, 201);
    ApiCaller.Session viewer = api.login("hc-viewer", "correct horse battery");

    AggregatedHttpResponse refused =
        api.call(HttpMethod.POST, "/api/tentacles/health-check", viewer.write(), "{}");

    assertThat(refused.status().code()).isEqualTo(403);
    assertThat(problem(refused)).contains("viewer role");
  }
}
