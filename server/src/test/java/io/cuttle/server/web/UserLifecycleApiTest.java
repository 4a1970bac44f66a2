package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.json;
import static io.cuttle.server.web.ApiCaller.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Disabling, enabling, deleting users and changing their role, through the real API over TLS: a
 * disabled or deleted user's sessions and API keys stop working at the next request, a new role
 * applies at once, and the last enabled admin cannot be taken away.
 */
@Timeout(180)
class UserLifecycleApiTest {
  private static final String PASSWORD = "correct horse battery staple";
  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static CuttleServer server;
  private static ApiCaller api;

  private static AggregatedHttpResponse admin(HttpMethod method, String path, String body) {
    return api.admin(method, path, body);
  }

  /** A new user, signed in, with an API key of their own. */
  private record Person(String name, ApiCaller.Session session, String key) {}

  private static Person person(String name, String role) throws Exception {
    AggregatedHttpResponse created =
        admin(
            HttpMethod.POST,
            "/api/users",
            "{\"name\":\""
                + name
                + "\",\"password\":\""
                + PASSWORD
                + "\",\"role\":\""
                + role
                + "\"}");
    assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(201);
    String key =
        json(admin(
                HttpMethod.POST,
                "/api/api-keys",
                "{\"user\":\"" + name + "\",\"label\":\"scripts\"}"))
            .get("key")
            .asText();
    return new Person(name, api.login(name, PASSWORD), key);
  }

  private static int bySession(Person p) {
    return api.call(HttpMethod.GET, "/api/tentacles", p.session().read(), null).status().code();
  }

  private static int byKey(Person p) {
    return api.call(HttpMethod.GET, "/api/tentacles", p.key(), null).status().code();
  }

  private static JsonNode listed(String name) throws Exception {
    for (JsonNode user : json(admin(HttpMethod.GET, "/api/users", null))) {
      if (user.get("name").asText().equals(name)) {
        return user;
      }
    }
    return null;
  }

  @Test
  void aDisabledUsersSessionAndKeyStopAtOnceAndSigningInIsRefusedUntilEnabled() throws Exception {
    Person dora = person("dora", "viewer");
    assertThat(bySession(dora)).isEqualTo(200);
    assertThat(byKey(dora)).isEqualTo(200);

    AggregatedHttpResponse disabled = admin(HttpMethod.POST, "/api/users/dora/disable", null);

    assertThat(disabled.status().code()).as(disabled.contentUtf8()).isEqualTo(200);
    assertThat(json(disabled).get("disabledMillis").isNumber()).isTrue();
    assertThat(listed("dora").get("disabledMillis").isNumber()).isTrue();
    assertThat(bySession(dora)).isEqualTo(401);
    AggregatedHttpResponse keyRefused = api.call(HttpMethod.GET, "/api/tasks", dora.key(), null);
    assertThat(keyRefused.status().code()).isEqualTo(401);
    assertThat(problem(keyRefused)).contains("disabled or deleted");
    AggregatedHttpResponse signIn = api.attemptLogin("dora", PASSWORD);
    assertThat(signIn.status().code()).isEqualTo(403);
    assertThat(problem(signIn)).contains("'dora' is disabled").contains("cuttle user enable dora");
    assertThat(signIn.headers().get("set-cookie")).isNull();
    // Without the password, a disabled user looks like any failed sign-in.
    AggregatedHttpResponse guess = api.attemptLogin("dora", "not the password at all");
    assertThat(guess.status().code()).isEqualTo(401);
    assertThat(problem(guess)).isEqualTo("wrong user name or password");

    AggregatedHttpResponse enabled = admin(HttpMethod.POST, "/api/users/dora/enable", null);

    assertThat(enabled.status().code()).isEqualTo(200);
    assertThat(json(enabled).get("disabledMillis").isNull()).isTrue();
    assertThat(byKey(dora)).isEqualTo(200);
    assertThat(bySession(dora)).as("a session disabling ended stays ended").isEqualTo(401);
    assertThat(bySession(new Person("dora", api.login("dora", PASSWORD), null))).isEqualTo(200);
    assertThat(api.audit())
        .contains(
            "admin | POST /api/users/dora/disable | user dora",
            "dora | login refused: disabled | user dora",
            "admin | POST /api/users/dora/enable | user dora");
  }

  @Test
  void aDeletedUsersSessionAndKeysStopForGood() throws Exception {
    Person eve = person("eve", "admin");

    AggregatedHttpResponse deleted = admin(HttpMethod.DELETE, "/api/users/eve", null);

    assertThat(deleted.status().code()).as(deleted.contentUtf8()).isEqualTo(204);
    assertThat(listed("eve")).isNull();
    assertThat(bySession(eve)).isEqualTo(401);
    assertThat(byKey(eve)).isEqualTo(401);
    assertThat(api.attemptLogin("eve", PASSWORD).status().code()).isEqualTo(401);
    JsonNode keys = json(admin(HttpMethod.GET, "/api/api-keys?user=eve", null));
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).get("revokedMillis").isNumber()).isTrue();
    AggregatedHttpResponse again = admin(HttpMethod.DELETE, "/api/users/eve", null);
    assertThat(again.status().code()).isEqualTo(404);
    assertThat(problem(again)).contains("no user named 'eve'");
    assertThat(api.audit()).contains("admin | DELETE /api/users/eve | user eve");
  }

  @Test
  void aNewRoleAppliesToTheUsersSessionsAndKeysAtOnce() throws Exception {
    Person finn = person("finn", "viewer");
    String write = "{\"name\":\"finn-env\"}";
    assertThat(api.call(HttpMethod.POST, "/api/environments", finn.key(), write).status().code())
        .isEqualTo(403);

    AggregatedHttpResponse promoted =
        admin(HttpMethod.PUT, "/api/users/finn/role", "{\"role\":\"admin\"}");

    assertThat(promoted.status().code()).as(promoted.contentUtf8()).isEqualTo(200);
    assertThat(json(promoted).get("role").asText()).isEqualTo("admin");
    AggregatedHttpResponse byKey =
        api.call(HttpMethod.POST, "/api/environments", finn.key(), write);
    assertThat(byKey.status().code()).as(byKey.contentUtf8()).isEqualTo(201);
    AggregatedHttpResponse demoted =
        api.call(
            HttpMethod.PUT,
            "/api/users/finn/role",
            finn.session().write(),
            "{\"role\":\"viewer\"}");
    assertThat(demoted.status().code()).as(demoted.contentUtf8()).isEqualTo(200);
    AggregatedHttpResponse refused =
        api.call(
            HttpMethod.POST, "/api/environments", finn.session().write(), "{\"name\":\"finn-2\"}");
    assertThat(refused.status().code()).isEqualTo(403);
    assertThat(problem(refused)).contains("'finn' has the viewer role");

    AggregatedHttpResponse badRole =
        admin(HttpMethod.PUT, "/api/users/finn/role", "{\"role\":\"root\"}");
    assertThat(badRole.status().code()).isEqualTo(400);
    assertThat(problem(badRole)).contains("role: 'root' (expected one of:");
    AggregatedHttpResponse unknown =
        admin(HttpMethod.PUT, "/api/users/nobody/role", "{\"role\":\"admin\"}");
    assertThat(unknown.status().code()).isEqualTo(404);
    assertThat(listed("finn").get("role").asText()).isEqualTo("viewer");
  }

  @Test
  void theLastEnabledAdminCannotBeDisabledDeletedOrMadeAViewer() throws Exception {
    // Only the bootstrap user "admin" stays an enabled admin (other tests may have made more).
    for (JsonNode user : json(admin(HttpMethod.GET, "/api/users", null))) {
      String name = user.get("name").asText();
      if (!name.equals("admin") && user.get("role").asText().equals("admin")) {
        assertThat(
                admin(HttpMethod.PUT, "/api/users/" + name + "/role", "{\"role\":\"viewer\"}")
                    .status()
                    .code())
            .isEqualTo(200);
      }
    }
    ApiCaller.Session own = api.login("admin", api.adminPassword());

    List<AggregatedHttpResponse> refusals =
        List.of(
            admin(HttpMethod.POST, "/api/users/admin/disable", null),
            admin(HttpMethod.DELETE, "/api/users/admin", null),
            admin(HttpMethod.PUT, "/api/users/admin/role", "{\"role\":\"viewer\"}"),
            api.call(HttpMethod.DELETE, "/api/users/admin", own.write(), null));

    for (AggregatedHttpResponse refused : refusals) {
      assertThat(refused.status().code()).as(refused.contentUtf8()).isEqualTo(409);
      assertThat(problem(refused))
          .contains("'admin': it is the last enabled admin")
          .contains("cuttle user set-role NAME admin");
    }
    JsonNode admin = listed("admin");
    assertThat(admin.get("role").asText()).isEqualTo("admin");
    assertThat(admin.get("disabledMillis").isNull()).isTrue();
    assertThat(bySession(new Person("admin", own, server.adminApiKey()))).isEqualTo(200);
    assertThat(admin(HttpMethod.GET, "/api/tentacles", null).status().code()).isEqualTo(200);

    // With a second enabled admin, the first may step down.
    person("gina", "admin");
    AggregatedHttpResponse disabledAdmin = admin(HttpMethod.POST, "/api/users/gina/disable", null);
    assertThat(disabledAdmin.status().code()).isEqualTo(200);
    assertThat(
            admin(HttpMethod.PUT, "/api/users/admin/role", "{\"role\":\"viewer\"}").status().code())
        .as("gina is disabled, so admin is still the last enabled admin")
        .isEqualTo(409);
    assertThat(admin(HttpMethod.POST, "/api/users/gina/enable", null).status().code())
        .isEqualTo(200);
    Person gina = new Person("gina", api.login("gina", PASSWORD), null);
    AggregatedHttpResponse stepDown =
        api.call(
            HttpMethod.PUT,
            "/api/users/admin/role",
            gina.session().write(),
            "{\"role\":\"viewer\"}");
    assertThat(stepDown.status().code()).as(stepDown.contentUtf8()).isEqualTo(200);
    assertThat(
            api.call(
                    HttpMethod.PUT,
                    "/api/users/admin/role",
                    gina.session().write(),
                    "{\"role\":\"admin\"}")
                .status()
                .code())
        .isEqualTo(200);
  }
}
