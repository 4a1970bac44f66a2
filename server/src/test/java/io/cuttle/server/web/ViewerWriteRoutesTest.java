package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.json;
import static io.cuttle.server.web.ApiCaller.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A viewer changes nothing through the API, whichever write route it tries: every route the
 * server's own operation list (the DocService at /docs/) shows is called, and each write is refused
 * with 403 before its service sees it, so nothing is stored.
 */
@Timeout(120)
class ViewerWriteRoutesTest {
  private static final String PASSWORD = "correct horse battery staple";

  /** Open to anyone by design: signing in and out changes no stored data but the caller's own. */
  private static final Set<String> OPEN_WRITES = Set.of("POST /api/login", "POST /api/logout");

  /** What a change would show up in, read by the admin before and after the walk. */
  private static final List<String> STATE =
      List.of(
          "/api/users",
          "/api/api-keys",
          "/api/tentacles",
          "/api/tasks",
          "/api/environments",
          "/api/projects",
          "/api/packages",
          "/api/deployments",
          "/api/audit?limit=500");

  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static ApiCaller api;

  @Test
  void everyWriteRouteRefusesAViewerAndStoresNothing() throws Exception {
    AggregatedHttpResponse created =
        api.admin(
            HttpMethod.POST,
            "/api/users",
            "{\"name\":\"watcher\",\"password\":\"" + PASSWORD + "\",\"role\":\"viewer\"}");
    assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(201);
    String key =
        json(api.admin(
                HttpMethod.POST,
                "/api/api-keys",
                "{\"user\":\"watcher\",\"label\":\"dashboards\"}"))
            .get("key")
            .asText();
    ApiCaller.Session session = api.login("watcher", PASSWORD);
    List<String> before = state(api);

    List<String> writes = writeRoutes(api);
    for (String route : writes) {
      HttpMethod method = HttpMethod.valueOf(route.substring(0, route.indexOf(' ')));
      String path = route.substring(route.indexOf(' ') + 1);
      for (AggregatedHttpResponse refused :
          List.of(
              api.call(method, path, key, "{}"), api.call(method, path, session.write(), "{}"))) {
        assertThat(refused.status().code()).as(route).isEqualTo(403);
        assertThat(problem(refused))
            .as(route)
            .contains("'watcher' has the viewer role, which can read but not change anything");
      }
    }

    assertThat(writes).as("the walk found the API's write routes").hasSizeGreaterThan(20);
    assertThat(state(api)).isEqualTo(before);
  }

  /** Every write operation the DocService lists, with each path parameter filled in. */
  private static List<String> writeRoutes(ApiCaller api) throws Exception {
    AggregatedHttpResponse specification =
        api.call(HttpMethod.GET, "/docs/specification.json", (String) null, null);
    assertThat(specification.status().code()).isEqualTo(200);
    Set<String> routes = new LinkedHashSet<>();
    for (JsonNode service : json(specification).get("services")) {
      for (JsonNode method : service.get("methods")) {
        String httpMethod = method.get("httpMethod").asText();
        if (httpMethod.equals("GET") || httpMethod.equals("HEAD")) {
          continue;
        }
        for (JsonNode endpoint : method.get("endpoints")) {
          String route = httpMethod + " " + concretePath(endpoint.get("pathMapping").asText());
          if (!OPEN_WRITES.contains(route)) {
            routes.add(route);
          }
        }
      }
    }
    return new ArrayList<>(routes);
  }

  private static String concretePath(String pathMapping) {
    assertThat(pathMapping).as("a path the walk can call").doesNotStartWith("regex:");
    return pathMapping
        .replaceFirst("^(exact|prefix):", "")
        .replaceAll("\\{[^/}]+}", "x")
        .replaceAll(":[A-Za-z][A-Za-z0-9]*", "x");
  }

  private static List<String> state(ApiCaller api) {
    List<String> state = new ArrayList<>();
    for (String path : STATE) {
      AggregatedHttpResponse response = api.admin(HttpMethod.GET, path, null);
      assertThat(response.status().code()).as(path + ": " + response.contentUtf8()).isEqualTo(200);
      state.add(path + " " + response.contentUtf8());
    }
    return state;
  }
}
