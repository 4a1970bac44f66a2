package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import io.cuttle.server.CuttleServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every kind of bad body on a representative set of write routes: each is refused with a problem
 * document (413 above the size limit, else 400 naming the problem), never a 500, and what the
 * route's list shows is the same after as before.
 */
class BadBodiesTest {
  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
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
        assertNoJavaNames(detail);
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

  @Test
  void bodiesNotSentAsJsonGet415AndChangeNothing() throws Exception {
    byte[] body = "{\"name\":\"Plain\"}".getBytes(StandardCharsets.UTF_8);
    for (Route route : ROUTES) {
      String before = list(route);
      for (MediaType type :
          java.util.Arrays.asList(
              MediaType.PLAIN_TEXT_UTF_8,
              MediaType.FORM_DATA,
              MediaType.parse("application/json; charset=iso-8859-1"),
              null)) {
        AggregatedHttpResponse response = api.post(route.write(), server.adminApiKey(), type, body);

        assertThat(response.status().code()).as(route.write() + " " + type).isEqualTo(415);
        assertThat(problem(response)).contains("application/json");
      }
      assertThat(list(route)).as(route.list()).isEqualTo(before);
    }
  }

  @Test
  void aCrossSiteTextPlainLoginGetsNoSession() throws Exception {
    byte[] login =
        ("{\"name\":\"admin\",\"password\":\"" + api.adminPassword() + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    AggregatedHttpResponse response =
        api.post("/api/login", null, MediaType.PLAIN_TEXT_UTF_8, login);

    assertThat(response.status().code()).isEqualTo(415);
    assertThat(response.headers().get("set-cookie")).isNull();
  }

  @Test
  void trailingDataInvalidUtf8AndCoercedTypesGet400NamingTheProblemAndChangeNothing()
      throws Exception {
    record Case(String write, String list, byte[] body, String expected) {}
    List<Case> cases =
        List.of(
            new Case(
                "/api/environments",
                "/api/environments",
                "{\"name\":\"Trail\"} xyz".getBytes(StandardCharsets.UTF_8),
                "not valid JSON"),
            new Case(
                "/api/environments",
                "/api/environments",
                "{\"name\":\"Trail\"} {}".getBytes(StandardCharsets.UTF_8),
                "not valid JSON"),
            new Case(
                "/api/environments",
                "/api/environments",
                new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, '"', '}'},
                "not valid UTF-8"),
            new Case(
                "/api/environments",
                "/api/environments",
                "{\"name\":5}".getBytes(StandardCharsets.UTF_8),
                "name: "),
            new Case(
                "/api/registration-tokens",
                "/api/registration-tokens",
                "{\"expiresInSeconds\":\"10\"}".getBytes(StandardCharsets.UTF_8),
                "expiresInSeconds: "),
            new Case(
                "/api/registration-tokens",
                "/api/registration-tokens",
                "{\"expiresInSeconds\":1.5}".getBytes(StandardCharsets.UTF_8),
                "expiresInSeconds: "),
            new Case(
                "/api/projects/shop/variables",
                "/api/projects/shop/variables",
                "{\"name\":\"v\",\"value\":\"x\",\"sensitive\":\"true\"}"
                    .getBytes(StandardCharsets.UTF_8),
                "sensitive: "),
            new Case(
                "/api/projects/shop/variables",
                "/api/projects/shop/variables",
                "{\"name\":\"v\",\"value\":\"x\",\"sensitive\":1}".getBytes(StandardCharsets.UTF_8),
                "sensitive: "));
    for (Case c : cases) {
      String before = list(new Route(c.write(), c.list(), null, null));
      String what = c.write() + " " + new String(c.body(), StandardCharsets.ISO_8859_1);

      AggregatedHttpResponse response =
          api.post(c.write(), server.adminApiKey(), MediaType.JSON_UTF_8, c.body());

      assertThat(response.status().code()).as(what).isEqualTo(400);
      assertThat(problem(response)).as(what).contains(c.expected());
      assertThat(list(new Route(c.write(), c.list(), null, null))).as(what).isEqualTo(before);
    }
  }

  @Test
  void aBadProcessIsRefusedNamingTheStepFieldWhatWasFoundAndWhatIsExpected() throws Exception {
    String before = list(new Route(null, "/api/projects", null, null));
    String good = "{\"name\":\"a\",\"script\":\"echo\"}";
    record Case(String step, String expected) {}
    List<Case> cases =
        List.of(
            new Case(
                "{\"name\":\"b\",\"roles\":\"web\",\"script\":\"echo\"}",
                "steps[1].roles: found a string ('web'), expected a list of strings"),
            new Case(
                "{\"name\":\"b\",\"scrpt\":\"echo\"}",
                "steps[1].scrpt: unknown field 'scrpt'; did you mean script?"),
            new Case(
                "{\"name\":\"b\",\"roles\":[\"web\",],\"script\":\"echo\"}",
                "the body is not valid JSON at line 1, column 78 (in steps[1].roles"),
            new Case(
                "{\"name\":\"b\",\"window\":\"2\",\"script\":\"echo\"}",
                "steps[1].window: found a string ('2'), expected a whole number"),
            new Case(
                "{\"name\":\"b\",\"syntax\":\"zsh\",\"script\":\"echo\"}",
                "steps[1].syntax: 'zsh' (expected: bash, sh, python or powershell)"));
    for (Case c : cases) {
      String body = "{\"name\":\"p\",\"steps\":[" + good + "," + c.step() + "]}";

      AggregatedHttpResponse response = api.admin(HttpMethod.POST, "/api/projects", body);

      assertThat(response.status().code()).as(body).isEqualTo(400);
      String detail = problem(response);
      assertThat(detail).as(body).contains(c.expected());
      assertNoJavaNames(detail);
    }
    assertThat(list(new Route(null, "/api/projects", null, null))).isEqualTo(before);
  }

  /** Jackson's own messages name the classes behind the API; a client never sees them. */
  private static void assertNoJavaNames(String detail) {
    assertThat(detail).doesNotContain("io.cuttle", "java.", "`", "Cannot construct", "Source:");
  }

  private static String list(Route route) {
    AggregatedHttpResponse response = api.admin(HttpMethod.GET, route.list(), null);
    assertThat(response.status().code()).as(route.list()).isEqualTo(200);
    return response.contentUtf8();
  }
}
