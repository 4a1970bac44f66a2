package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.common.pki.SelfSignedCertificates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every text field of every REST write route, one character over the column it is stored in (or
 * looked up by), is refused with a 400 naming the field, its length and the limit, and nothing is
 * stored: every list the API offers reads the same after as before. Values are otherwise valid (an
 * https URL for an address, letters for a name), so the limit is what refuses them.
 */
class WriteRouteLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LISTS =
      List.of(
          "/api/tentacles",
          "/api/environments",
          "/api/projects",
          "/api/projects/shop/variables",
          "/api/projects/shop/releases",
          "/api/deployments",
          "/api/tasks",
          "/api/users",
          "/api/api-keys",
          "/api/registration-tokens",
          "/api/packages");

  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static ApiCaller api;

  @BeforeAll
  static void start() throws Exception {
    created(HttpMethod.POST, "/api/environments", Map.of("name", "Dev"));
    created(
        HttpMethod.POST,
        "/api/projects",
        Map.of("name", "shop", "steps", List.of(scriptStep("one", "echo hi"))));
    created(
        HttpMethod.POST,
        "/api/tentacles",
        registration(Map.of("name", "web-1", "environment", "Dev")));
  }

  /** A route, the field to make too long, its limit, and the body around the value. */
  private record Case(
      HttpMethod method,
      String path,
      String field,
      int limit,
      Function<String, Object> body,
      String expected) {
    Case(HttpMethod method, String path, String field, int limit, Function<String, Object> body) {
      this(
          method,
          path,
          field,
          limit,
          body,
          field + ": " + (limit + 1) + " characters (expected: at most " + limit + ")");
    }
  }

  @Test
  void everyFieldOneCharacterOverItsColumnGets400NamingItAndStoresNothing() throws Exception {
    HttpMethod post = HttpMethod.POST;
    HttpMethod put = HttpMethod.PUT;
    List<Case> cases =
        List.of(
            new Case(post, "/api/tentacles", "name", 100, v -> registration(Map.of("name", v))),
            new Case(
                post,
                "/api/tentacles",
                "environment",
                100,
                v -> registration(Map.of("environment", v))),
            new Case(
                post,
                "/api/tentacles",
                "roles[1]",
                100,
                v -> registration(Map.of("roles", List.of("web", v)))),
            new Case(
                post,
                "/api/tentacles",
                "commsAddress",
                500,
                v -> registration(Map.of("commsAddress", url(v)))),
            new Case(
                post, "/api/tentacles", "version", 50, v -> registration(Map.of("version", v))),
            new Case(post, "/api/api-keys", "user", 100, v -> Map.of("user", v, "label", "ci")),
            new Case(post, "/api/api-keys", "label", 200, v -> Map.of("user", "admin", "label", v)),
            new Case(post, "/api/users", "name", 100, v -> user(v, "viewer")),
            new Case(post, "/api/users", "role", 20, v -> user("bob", v)),
            new Case(
                post,
                "/api/users",
                "password",
                200,
                v -> Map.of("name", "bob", "password", v, "role", "viewer"),
                "password: 201 characters (expected: 12 to 200 characters"),
            new Case(
                put,
                "/api/users/admin/password",
                "password",
                200,
                v -> Map.of("password", v),
                "password: 201 characters (expected: 12 to 200 characters"),
            new Case(
                post, "/api/login", "name", 100, v -> Map.of("name", v, "password", "whatever")),
            new Case(post, "/api/environments", "name", 100, v -> Map.of("name", v)),
            new Case(
                put, "/api/environments", "names[1]", 100, v -> Map.of("names", List.of("Dev", v))),
            new Case(put, "/api/environments/Dev", "name", 100, v -> Map.of("name", v)),
            new Case(post, "/api/projects", "name", 100, v -> project(v, null, "one")),
            new Case(post, "/api/projects", "description", 1000, v -> project("p2", v, "one")),
            new Case(post, "/api/projects", "steps[0].name", 100, v -> project("p2", null, v)),
            new Case(
                post,
                "/api/projects",
                "steps[0].roles[0]",
                100,
                v ->
                    Map.of(
                        "name",
                        "p2",
                        "steps",
                        List.of(Map.of("name", "one", "roles", List.of(v), "script", "echo hi")))),
            new Case(
                post, "/api/projects", "steps[0].packageId", 100, v -> packageProject(v, "1.0")),
            new Case(
                post,
                "/api/projects",
                "steps[0].packageVersion",
                50,
                v -> packageProject("app", v)),
            new Case(put, "/api/projects/shop", "name", 100, v -> project(v, null, "one")),
            new Case(
                put, "/api/projects/shop", "description", 1000, v -> project("shop", v, "one")),
            new Case(
                post,
                "/api/projects/shop/variables",
                "name",
                100,
                v -> Map.of("name", v, "value", "x")),
            new Case(
                post,
                "/api/projects/shop/variables",
                "environment",
                100,
                v -> Map.of("name", "v", "value", "x", "environment", v)),
            new Case(
                post,
                "/api/projects/shop/variables",
                "role",
                100,
                v -> Map.of("name", "v", "value", "x", "role", v)),
            new Case(post, "/api/projects/shop/releases", "version", 100, v -> release(v, null)),
            new Case(
                post,
                "/api/projects/shop/releases",
                "packages",
                100,
                v -> release("1.0", Map.of(v, "1.0")),
                "packages: a key of 101 characters (expected: at most 100)"),
            new Case(
                post,
                "/api/projects/shop/releases",
                "packages.app",
                50,
                v -> release("1.0", Map.of("app", v))),
            new Case(post, "/api/deployments", "project", 100, v -> deploy(v, "1.0", "Dev")),
            new Case(post, "/api/deployments", "release", 100, v -> deploy("shop", v, "Dev")),
            new Case(post, "/api/deployments", "environment", 100, v -> deploy("shop", "1.0", v)),
            new Case(
                post, "/api/deployments/D-none/retry", "target", 100, v -> Map.of("target", v)),
            new Case(
                post,
                "/api/tasks/scripts",
                "environment",
                100,
                v -> Map.of("script", "echo hi", "environment", v)),
            new Case(
                post,
                "/api/tasks/scripts",
                "roles[0]",
                100,
                v -> Map.of("script", "echo hi", "roles", List.of(v))),
            new Case(
                post,
                "/api/tasks/scripts",
                "tentacles[0]",
                100,
                v -> Map.of("script", "echo hi", "tentacles", List.of(v))),
            new Case(
                post,
                "/api/tasks/scripts",
                "mutex",
                100,
                v -> Map.of("script", "echo hi", "mutex", v)),
            new Case(
                post,
                "/api/tasks/packages",
                "packageId",
                100,
                v -> Map.of("packageId", v, "version", "1.0")),
            new Case(
                post,
                "/api/tasks/packages",
                "version",
                50,
                v -> Map.of("packageId", "app", "version", v)),
            new Case(
                post,
                "/api/tasks/packages",
                "environment",
                100,
                v -> Map.of("packageId", "app", "version", "1.0", "environment", v)),
            new Case(
                post,
                "/api/tasks/packages",
                "roles[0]",
                100,
                v -> Map.of("packageId", "app", "version", "1.0", "roles", List.of(v))),
            new Case(
                post,
                "/api/tasks/packages",
                "tentacles[0]",
                100,
                v -> Map.of("packageId", "app", "version", "1.0", "tentacles", List.of(v))),
            new Case(
                post,
                "/api/tasks/packages",
                "mutex",
                100,
                v -> Map.of("packageId", "app", "version", "1.0", "mutex", v)),
            new Case(
                post,
                "/api/tentacles/health-check",
                "environment",
                100,
                v -> Map.of("environment", v)),
            new Case(
                post,
                "/api/tentacles/health-check",
                "roles[0]",
                100,
                v -> Map.of("roles", List.of(v))),
            new Case(
                post,
                "/api/tentacles/health-check",
                "tentacles[0]",
                100,
                v -> Map.of("tentacles", List.of(v))));
    for (Case c : cases) {
      Map<String, String> before = lists();
      String body = JSON.writeValueAsString(c.body().apply("a".repeat(c.limit() + 1)));

      AggregatedHttpResponse response =
          c.path().equals("/api/login")
              ? api.call(c.method(), c.path(), Map.of(), body)
              : api.admin(c.method(), c.path(), body);

      String what = c.method() + " " + c.path() + " " + c.field();
      assertThat(response.status().code()).as(what + ": " + response.contentUtf8()).isEqualTo(400);
      assertThat(problem(response)).as(what).contains(c.expected());
      assertThat(lists()).as(what).isEqualTo(before);
    }
  }

  @Test
  void registrationRefusesTooManyRolesForTheirColumnAndTakesValuesThatJustFit() throws Exception {
    List<String> roles = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      roles.add(String.format("%02d", i) + "r".repeat(97)); // 99 characters each
    }
    Map<String, String> before = lists();

    AggregatedHttpResponse tooMany =
        api.admin(
            HttpMethod.POST,
            "/api/tentacles",
            JSON.writeValueAsString(
                registration(
                    Map.of("name", "many-roles", "environment", "Roles", "roles", roles))));
    AggregatedHttpResponse fits =
        api.admin(
            HttpMethod.POST,
            "/api/tentacles",
            JSON.writeValueAsString(
                registration(
                    Map.of(
                        "name",
                        "n".repeat(100),
                        "environment",
                        "e".repeat(100),
                        "roles",
                        roles.subList(0, 20),
                        "commsAddress",
                        url("a".repeat(500)),
                        "version",
                        "v".repeat(50)))));

    assertThat(tooMany.status().code()).as(tooMany.contentUtf8()).isEqualTo(400);
    assertThat(problem(tooMany))
        .contains("roles: 2099 characters joined with commas (expected: at most 2000)");
    assertThat(fits.status().code()).as(fits.contentUtf8()).isEqualTo(200);
    assertThat(lists().get("/api/environments"))
        .contains("e".repeat(100))
        .doesNotContain("Roles")
        .isNotEqualTo(before.get("/api/environments"));
  }

  @Test
  void aProcessOrReleaseTooLargeForItsColumnIsRefusedNamingItsSize() throws Exception {
    // 140,000 characters, under the 256 KiB script limit, but each line break is stored as two
    // characters (\n): 210,000 as stored.
    String script = "x\n".repeat(70_000);
    Map<String, String> before = lists();

    AggregatedHttpResponse tooLarge =
        api.admin(
            HttpMethod.POST,
            "/api/projects",
            JSON.writeValueAsString(
                Map.of("name", "big", "steps", List.of(scriptStep("s", script)))));

    assertThat(tooLarge.status().code()).as(tooLarge.contentUtf8()).isEqualTo(400);
    assertThat(problem(tooLarge))
        .contains("steps: ")
        .contains(" characters as stored (expected: at most 200000 for the whole process)");
    assertThat(lists()).isEqualTo(before);

    // A process that fits, with variables that each fit, can still add up past a release's column.
    created(
        HttpMethod.POST,
        "/api/projects",
        Map.of("name", "big", "steps", List.of(scriptStep("s", "x\n".repeat(60_000)))));
    for (int i = 0; i < 110; i++) {
      created(
          HttpMethod.POST,
          "/api/projects/big/variables",
          Map.of("name", "V" + i, "value", "v".repeat(8000)));
    }
    AggregatedHttpResponse release =
        api.admin(
            HttpMethod.POST,
            "/api/projects/big/releases",
            JSON.writeValueAsString(Map.of("version", "1.0")));

    assertThat(release.status().code()).as(release.contentUtf8()).isEqualTo(409);
    assertThat(problem(release))
        .contains("project 'big' would make a release of ")
        .contains("(expected: at most 1000000)");
    assertThat(api.admin(HttpMethod.GET, "/api/projects/big/releases", null).contentUtf8())
        .isEqualTo("[]");
  }

  private static Map<String, String> lists() {
    Map<String, String> lists = new LinkedHashMap<>();
    for (String path : LISTS) {
      AggregatedHttpResponse response = api.admin(HttpMethod.GET, path, null);
      assertThat(response.status().code()).as(path).isEqualTo(200);
      lists.put(path, response.contentUtf8());
    }
    return Collections.unmodifiableMap(lists);
  }

  private static void created(HttpMethod method, String path, Object body) throws Exception {
    AggregatedHttpResponse response = api.admin(method, path, JSON.writeValueAsString(body));
    assertThat(response.status().code()).as(path + ": " + response.contentUtf8()).isIn(200, 201);
  }

  /** A new tentacle in a new environment, unless {@code overrides} say otherwise. */
  private static Map<String, Object> registration(Map<String, Object> overrides) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "new-1");
    body.put("thumbprint", SelfSignedCertificates.create("t", List.of()).thumbprint().toString());
    body.put("environment", "Limits");
    body.put("roles", List.of("web"));
    body.put("commsStyle", "POLLING_ADDRESS");
    body.put("commsAddress", "https://polling.example.com:443");
    body.put("version", "1.0.0");
    body.putAll(overrides);
    return body;
  }

  /** An https URL exactly as long as {@code padding}. */
  private static String url(String padding) {
    String start = "https://polling.example.com/";
    return start + padding.substring(start.length());
  }

  private static Map<String, Object> user(String name, String role) {
    return Map.of("name", name, "password", "a long enough passphrase", "role", role);
  }

  private static Map<String, Object> scriptStep(String name, String script) {
    return Map.of("name", name, "kind", "script", "roles", List.of("web"), "script", script);
  }

  private static Map<String, Object> project(String name, String description, String step) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    if (description != null) {
      body.put("description", description);
    }
    body.put("steps", List.of(scriptStep(step, "echo hi")));
    return body;
  }

  private static Map<String, Object> packageProject(String packageId, String version) {
    return Map.of(
        "name",
        "p2",
        "steps",
        List.of(
            Map.of(
                "name",
                "deploy",
                "kind",
                "package",
                "roles",
                List.of("web"),
                "packageId",
                packageId,
                "packageVersion",
                version)));
  }

  private static Map<String, Object> release(String version, Map<String, String> packages) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", version);
    if (packages != null) {
      body.put("packages", packages);
    }
    return body;
  }

  private static Map<String, Object> deploy(String project, String release, String environment) {
    return Map.of("project", project, "release", release, "environment", environment);
  }
}
