package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad body on a representative set of write routes: each is refused with a problem
 * document (413 above the size limit, else 400 naming the problem), never a 500, and what the
 * route's list shows is the same after as before.
 */
class BadBodiesTest {
  @TempDir static Path data;
  private static CuttleServer server;
  private static ApiCaller api;

  /** A write route, the list it would change, and a body with one field of the wrong type. */
  private record Route(String write, String list, String wrongType, String wrongField) {}

  private static final List<Route> ROUTES =
      List.of(
          new Route("/api/environments", "/api/environments", "{\"name\":[\"Dev\"]}", "name"),
          new Route("/api/projects", "/api/projects", "{\"name\":\"p\",\"steps\":{}}", "steps"),
          new Route(
              "/api/projects/shop/variables",
              "/api/projects/shop/variables",
              "{\"name\":\"v\",\"value\":\"x\",\"sensitive\":\"maybe\"}",
              "sensitive"),
          new Route(
              "/api/projects/shop/releases",
              "/api/projects/shop/releases",
              "{\"version\":\"1.0.0\",\"packages\":[\"app\"]}",
              "packages"),
          new Route(
              "/api/deployments",
              "/api/deployments",
              "{\"project\":{\"name\":\"shop\"},\"release\":\"1\",\"environment\":\"Dev\"}",
              "project"),
          new Route(
              "/api/tasks/scripts",
              "/api/tasks",
              "{\"script\":\"echo\",\"roles\":\"web\"}",
              "roles"),
          new Route(
              "/api/users",
              "/api/users",
              "{\"name\":\"bob\",\"password\":[],\"role\":\"viewer\"}",
              "password"),
          new Route("/api/api-keys", "/api/api-keys", "{\"user\":\"admin\",\"label\":{}}", "label"),
          new Route(
              "/api/registration-tokens",
              "/api/registration-tokens",
              "{\"expiresInSeconds\":\"soon\"}",
              "expiresInSeconds"),
          new Route(
              "/api/tentacles",
              "/api/tentacles",
              "{\"name\":\"t\",\"commsStyle\":\"CARRIER_PIGEON\"}",
              "commsStyle"));

  @BeforeAll
  static void start() throws Exception {
    server = ApiCaller.startServer(data, b -> b);
    api = new ApiCaller(server);
    assertThat(
            api.admin(
                    HttpMethod.POST,
                    "/api/projects",
                    "{\"name\":\"shop\",\"steps\":[{\"name\":\"one\",\"kind\":\"script\","
                        + "\"roles\":[\"web\"],\"script\":\"echo hi\"}]}")
                .status()
                .code())
        .isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    api.close();
    server.close();
  }

  @Test
  void malformedBodiesGet400NamingTheProblemAndChangeNothing() throws Exception {
    for (Route route : ROUTES) {
      String before = list(route);
      record Case(String body, String expected) {}
      List<Case> cases =
          List.of(
              new Case("{\"name\":", "not valid JSON"),
              new Case("[1, 2]", "the body must be a JSON object"),
              new Case("\"text\"", "the body must be a JSON object"),
              new Case("{\"surprise\":1}", "unknown field 'surprise'"),
              new Case(route.wrongType(), route.wrongField() + ": "));
      List<String> problems = new ArrayList<>();
      for (Case c : cases) {
        AggregatedHttpResponse response = api.admin(HttpMethod.POST, route.write(), c.body());

        assertThat(response.status().code()).as(route.write() + " " + c.body()).isEqualTo(400);
        String detail = problem(response);
        assertThat(detail).as(route.write() + " " + c.body()).contains(c.expected());
        problems.add(detail);
      }
      assertThat(list(route)).as(route.list() + " after " + problems).isEqualTo(before);
    }
  }

  @Test
  void bodiesMissingTheirRequiredFieldsGet400AndChangeNothing() throws Exception {
    for (Route route : ROUTES) {
      if (route.write().equals("/api/registration-tokens")) {
        continue; // every field of a token request is optional: {} makes a token
      }
      String before = list(route);

      AggregatedHttpResponse response = api.admin(HttpMethod.POST, route.write(), "{}");

      assertThat(response.status().code()).as(route.write()).isEqualTo(400);
      assertThat(problem(response)).as(route.write()).isNotBlank();
      assertThat(list(route)).as(route.list()).isEqualTo(before);
    }
  }

  @Test
  void bodiesAboveTheLimitGet413AndChangeNothing() throws Exception {
    String oversized = "{\"name\":\"" + "x".repeat((int) WebServer.MAX_REQUEST_BYTES) + "\"}";
    for (Route route : ROUTES) {
      String before = list(route);

      AggregatedHttpResponse response = api.admin(HttpMethod.POST, route.write(), oversized);

      assertThat(response.status().code()).as(route.write()).isEqualTo(413);
      assertThat(problem(response)).as(route.write()).contains("larger than the 1024 KiB");
      assertThat(list(route)).as(route.list()).isEqualTo(before);
    }
  }

  private static String list(Route route) {
    AggregatedHttpResponse response = api.admin(HttpMethod.GET, route.list(), null);
    assertThat(response.status().code()).as(route.list()).isEqualTo(200);
    return response.contentUtf8();
  }
}
