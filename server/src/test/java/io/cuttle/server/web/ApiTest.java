package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.json;
import static io.cuttle.server.web.ApiCaller.problem;
import static io.cuttle.server.web.TentacleRegistrations.newThumbprint;
import static io.cuttle.server.web.TentacleRegistrations.registration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST API refuses bad input with a problem document that says why, and stores nothing. */
class ApiTest {
  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static CuttleServer server;
  private static ApiCaller api;

  private static AggregatedHttpResponse call(
      HttpMethod method, String path, String key, String body) {
    return api.call(method, path, key, body);
  }

  private static AggregatedHttpResponse admin(HttpMethod method, String path, String body) {
    return api.admin(method, path, body);
  }

  @Test
  void serverInfoNeedsNoKeyAndNamesTheThumbprint() throws Exception {
    AggregatedHttpResponse response = call(HttpMethod.GET, "/api/server", null, null);

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(json(response).get("thumbprint").asText()).isEqualTo(server.thumbprint().toString());
  }

  @Test
  void everythingElseNeedsAValidKey() throws Exception {
    AggregatedHttpResponse none = call(HttpMethod.GET, "/api/tentacles", null, null);
    AggregatedHttpResponse wrong = call(HttpMethod.GET, "/api/tentacles", "cuttle_nope", null);

    assertThat(none.status().code()).isEqualTo(401);
    assertThat(problem(none)).contains("needs an API key").contains("Authorization: Bearer");
    assertThat(wrong.status().code()).isEqualTo(401);
    assertThat(problem(wrong)).startsWith("the API key is not valid on this server");
  }

  @Test
  void registrationRefusesMalformedInputNamingTheField() throws Exception {
    String thumbprint = newThumbprint();
    record Case(String body, String expected) {}
    for (Case c :
        List.of(
            new Case("{not json", "not valid JSON"),
            new Case("", "needs a JSON body"),
            new Case("{\"nmae\":\"x\"}", "unknown field 'nmae'"),
            new Case(registration("bad name!", thumbprint), "name: 'bad name!' (expected:"),
            new Case(registration("ok-1", "1234"), "thumbprint: '1234' (expected: 64 hex digits"),
            new Case(
                registration("ok-1", thumbprint).replace("LEGACY_PORT", "CARRIER_PIGEON"),
                "commsStyle: found a string ('CARRIER_PIGEON'), expected one of POLLING_ADDRESS,"
                    + " LEGACY_PORT"),
            new Case(
                registration("ok-1", thumbprint).replace("[\"web\"]", "\"web\""),
                "roles: found a string ('web'), expected a list of strings"),
            new Case(
                registration("ok-1", thumbprint).replace("\"commsStyle\":\"LEGACY_PORT\",", ""),
                "commsStyle is required"),
            new Case(
                registration("ok-1", thumbprint).replace("https://localhost:10943", "ftp://x"),
                "commsAddress: 'ftp://x'"))) {
      AggregatedHttpResponse response = admin(HttpMethod.POST, "/api/tentacles", c.body());

      assertThat(response.status().code()).as(c.body()).isEqualTo(400);
      assertThat(problem(response)).as(c.body()).contains(c.expected());
    }
    assertThat(admin(HttpMethod.GET, "/api/tentacles/ok-1", null).status().code()).isEqualTo(404);
  }

  @Test
  void aTakenNameNeedsForceAndIsLeftIntactWithoutIt() throws Exception {
    String original = newThumbprint();
    String other = newThumbprint();
    assertThat(
            admin(HttpMethod.POST, "/api/tentacles", registration("taken-1", original))
                .status()
                .code())
        .isEqualTo(200);

    AggregatedHttpResponse refused =
        admin(HttpMethod.POST, "/api/tentacles", registration("taken-1", other));

    assertThat(refused.status().code()).isEqualTo(409);
    assertThat(problem(refused))
        .contains("already registered with another certificate")
        .contains("force");
    JsonNode stored = json(admin(HttpMethod.GET, "/api/tentacles/taken-1", null));
    assertThat(stored.get("thumbprint").asText()).isEqualTo(original);

    String forced = registration("taken-1", other).replace("}", ",\"force\":true}");
    assertThat(admin(HttpMethod.POST, "/api/tentacles", forced).status().code()).isEqualTo(200);
    JsonNode replaced = json(admin(HttpMethod.GET, "/api/tentacles/taken-1", null));
    assertThat(replaced.get("thumbprint").asText()).isEqualTo(other);
    assertThat(replaced.get("id").asText()).isEqualTo(stored.get("id").asText());
  }

  @Test
  void oneCertificateCannotBeTwoTentacles() throws Exception {
    String thumbprint = newThumbprint();
    admin(HttpMethod.POST, "/api/tentacles", registration("first-1", thumbprint));

    AggregatedHttpResponse second =
        admin(HttpMethod.POST, "/api/tentacles", registration("second-1", thumbprint));

    assertThat(second.status().code()).isEqualTo(409);
    assertThat(problem(second)).contains("already registered as tentacle 'first-1'");
  }

  @Test
  void scriptRequestsAreValidatedAndANonMatchStoresNoTask() throws Exception {
    admin(HttpMethod.POST, "/api/tentacles", registration("target-1", newThumbprint()));
    int tasksBefore = json(admin(HttpMethod.GET, "/api/tasks?limit=200", null)).size();
    record Case(String body, int status, String expected) {}
    for (Case c :
        List.of(
            new Case("{\"script\":\"   \"}", 400, "script is required"),
            new Case(
                "{\"script\":\"echo\",\"syntax\":\"cobol\"}",
                400,
                "syntax: 'cobol' (expected: bash, sh, python or powershell)"),
            new Case(
                "{\"script\":\"echo\",\"environment\":\"Nowhere\"}",
                400,
                "no registered tentacle matches environment 'Nowhere'"),
            new Case(
                "{\"script\":\"echo\",\"pickupTimeoutSeconds\":0}", 400, "pickupTimeoutSeconds: 0"),
            new Case(
                "{\"script\":\"echo\",\"timeoutSeconds\":-5}",
                400,
                "timeoutSeconds: -5 (expected: 1 to 604800)"),
            new Case("{\"script\":\"echo\",\"mutex\":\"no spaces\"}", 400, "mutex: 'no spaces'"),
            new Case(
                "{\"script\":\"" + "x".repeat(300 * 1024) + "\"}", 400, "larger than 256 KiB"))) {
      AggregatedHttpResponse response = admin(HttpMethod.POST, "/api/tasks/scripts", c.body());

      assertThat(response.status().code()).as(c.expected()).isEqualTo(c.status());
      assertThat(problem(response)).contains(c.expected());
    }
    assertThat(json(admin(HttpMethod.GET, "/api/tasks?limit=200", null)).size())
        .isEqualTo(tasksBefore);
  }

  @Test
  void oversizedBodiesAreRefusedBeforeTheyAreRead() throws Exception {
    AggregatedHttpResponse response =
        admin(
            HttpMethod.POST,
            "/api/tasks/scripts",
            "{\"script\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");

    assertThat(response.status().code()).isEqualTo(413);
    assertThat(problem(response)).contains("larger than the 1024 KiB this server accepts");
  }

  @Test
  void cancellingAQueuedTaskEndsItAtOnceAndAgainIsHarmless() throws Exception {
    admin(HttpMethod.POST, "/api/tentacles", registration("offline-1", newThumbprint()));
    JsonNode task =
        json(
            admin(
                HttpMethod.POST,
                "/api/tasks/scripts",
                "{\"script\":\"echo\",\"tentacles\":[\"offline-1\"],\"timeoutSeconds\":30}"));
    String path = "/api/tasks/" + task.get("id").asText() + "/cancel";

    AggregatedHttpResponse first = admin(HttpMethod.POST, path, null);
    AggregatedHttpResponse again = admin(HttpMethod.POST, path, null);
    AggregatedHttpResponse anonymous = call(HttpMethod.POST, path, null, null);
    AggregatedHttpResponse missing = admin(HttpMethod.POST, "/api/tasks/K-nope/cancel", null);

    assertThat(first.status().code()).isEqualTo(200);
    JsonNode cancelled = json(first);
    assertThat(cancelled.get("state").asText()).isEqualTo("CANCELLED");
    assertThat(cancelled.get("targets").get(0).get("state").asText()).isEqualTo("CANCELLED");
    assertThat(cancelled.get("targets").get(0).get("message").asText())
        .contains("before its tentacle started it");
    assertThat(again.status().code()).isEqualTo(200);
    assertThat(json(again).get("state").asText()).isEqualTo("CANCELLED");
    assertThat(anonymous.status().code()).isEqualTo(401);
    assertThat(missing.status().code()).isEqualTo(404);
    assertThat(problem(missing)).isEqualTo("no task 'K-nope'");
  }

  @Test
  void unknownTasksAndBadPagingAreProblemsNotErrors() throws Exception {
    AggregatedHttpResponse missing = admin(HttpMethod.GET, "/api/tasks/K-nope", null);
    AggregatedHttpResponse paging = admin(HttpMethod.GET, "/api/tasks?limit=0", null);
    AggregatedHttpResponse notANumber = admin(HttpMethod.GET, "/api/tasks?limit=ten", null);

    assertThat(missing.status().code()).isEqualTo(404);
    assertThat(problem(missing)).isEqualTo("no task 'K-nope'");
    assertThat(paging.status().code()).isEqualTo(400);
    assertThat(problem(paging)).isEqualTo("limit: 0 (expected: 1 to 200)");
    assertThat(notANumber.status().code()).isEqualTo(400);
    assertThat(problem(notANumber)).contains("not valid");
  }
}
