package io.cuttle.server.web;

import static io.cuttle.server.web.ApiCaller.json;
import static io.cuttle.server.web.ApiCaller.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Users, sessions, roles, API keys, CSRF and the audit log, through the real API over TLS: every
 * refusal says why and stores nothing, and every change is audited.
 */
class UsersApiTest {
  private static final String PASSWORD = "correct horse battery staple";
  @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass();
  private static ApiCaller api;

  private static AggregatedHttpResponse admin(HttpMethod method, String path, String body) {
    return api.admin(method, path, body);
  }

  private static void createUser(String name, String role) {
    AggregatedHttpResponse created =
        admin(HttpMethod.POST, "/api/users", user(name, PASSWORD, role));
    assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(201);
  }

  private static String user(String name, String password, String role) {
    return "{\"name\":\""
        + name
        + "\",\"password\":\""
        + password
        + "\",\"role\":\""
        + role
        + "\"}";
  }

  private static List<String> userNames() throws Exception {
    return names(json(admin(HttpMethod.GET, "/api/users", null)), "name");
  }

  private static List<String> names(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(n -> n.get(field).asText())
        .toList();
  }

  @Test
  void theBootstrapAdminSignsInWithAnHttpOnlySecureStrictCookie() throws Exception {
    AggregatedHttpResponse response = api.attemptLogin("admin", api.adminPassword());

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get("set-cookie"))
        .startsWith(ApiKeyAuthorizer.SESSION_COOKIE + "=")
        .containsIgnoringCase("HttpOnly")
        .contains("Secure")
        .contains("SameSite=Strict");
    assertThat(json(response).get("role").asText()).isEqualTo("admin");
    ApiCaller.Session session = api.login("admin", api.adminPassword());
    AggregatedHttpResponse me = api.call(HttpMethod.GET, "/api/session", session.read(), null);
    assertThat(json(me).get("user").asText()).isEqualTo("admin");
    assertThat(json(me).get("csrfToken").asText()).isEqualTo(session.csrfToken());
    assertThat(api.call(HttpMethod.GET, "/api/tentacles", session.read(), null).status().code())
        .isEqualTo(200);
    assertThat(api.audit()).contains("admin | login | user admin");
  }

  @Test
  void aWrongPasswordOrUnknownUserIsRefusedAlikeAndAudited() throws Exception {
    createUser("wrong-pw", "viewer");

    AggregatedHttpResponse wrong = api.attemptLogin("wrong-pw", "not the password");
    AggregatedHttpResponse unknown = api.attemptLogin("nobody-here", PASSWORD);

    assertThat(wrong.status().code()).isEqualTo(401);
    assertThat(unknown.status().code()).isEqualTo(401);
    assertThat(problem(wrong)).isEqualTo("wrong user name or password").isEqualTo(problem(unknown));
    assertThat(wrong.headers().get("set-cookie")).isNull();
    assertThat(api.audit())
        .contains(
            "wrong-pw | login failed | user wrong-pw",
            "nobody-here | login failed: no such user | user nobody-here");
    assertThat(api.audit()).noneMatch(e -> e.contains("not the password"));
  }

  @Test
  void repeatedFailuresLockTheUserUntilAnAdminSetsANewPassword() throws Exception {
    createUser("guessed", "viewer");
    for (int i = 0; i < SessionApi.MAX_FAILED_LOGINS; i++) {
      assertThat(api.attemptLogin("guessed", "guess number " + i).status().code()).isEqualTo(401);
    }

    AggregatedHttpResponse locked = api.attemptLogin("guessed", PASSWORD);

    assertThat(locked.status().code()).isEqualTo(429);
    assertThat(problem(locked))
        .contains("too many failed logins for 'guessed'")
        .contains("ask an admin to set a new password");
    assertThat(json(admin(HttpMethod.GET, "/api/users", null)).findValues("lockedUntilMillis"))
        .anyMatch(v -> !v.isNull());
    String newPassword = "a brand new passphrase";
    assertThat(
            admin(
                    HttpMethod.PUT,
                    "/api/users/guessed/password",
                    "{\"password\":\"" + newPassword + "\"}")
                .status()
                .code())
        .isEqualTo(200);
    api.login("guessed", newPassword);
    assertThat(api.audit())
        .contains(
            "guessed | login failed: locked | user guessed",
            "guessed | login refused: locked | user guessed",
            "admin | PUT /api/users/guessed/password | user guessed");
  }

  @Test
  void fortyParallelGuessesHaveFiveEvaluatedAndThenEvenTheRightPasswordIsRefused()
      throws Exception {
    createUser("rushed", "viewer");

    List<AggregatedHttpResponse> answers = fortyParallelWrongLogins("rushed");

    assertThat(answers).filteredOn(a -> a.status().code() == 401).hasSize(5);
    assertThat(answers).filteredOn(a -> a.status().code() == 429).hasSize(35);
    assertThat(api.attemptLogin("rushed", PASSWORD).status().code()).isEqualTo(429);
  }

  @Test
  void aLockedUnknownNameIsAnsweredExactlyAsALockedUser() throws Exception {
    createUser("real-name", "viewer");
    for (int i = 0; i < SessionApi.MAX_FAILED_LOGINS; i++) {
      assertThat(api.attemptLogin("real-name", "guess " + i).status().code()).isEqualTo(401);
      assertThat(api.attemptLogin("made-up-name", "guess " + i).status().code()).isEqualTo(401);
    }

    AggregatedHttpResponse known = api.attemptLogin("real-name", PASSWORD);
    AggregatedHttpResponse unknown = api.attemptLogin("made-up-name", PASSWORD);

    assertThat(unknown.status()).isEqualTo(known.status());
    assertThat(unknown.status().code()).isEqualTo(429);
    assertThat(unknown.headers().names()).isEqualTo(known.headers().names());
    assertThat(unknown.contentType()).isEqualTo(known.contentType());
    assertThat(withoutNameAndTime(unknown, "made-up-name"))
        .isEqualTo(withoutNameAndTime(known, "real-name"));
  }

  private static String withoutNameAndTime(AggregatedHttpResponse response, String name) {
    return response
        .contentUtf8()
        .replace(name, "NAME")
        .replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "TIME");
  }

  private static List<AggregatedHttpResponse> fortyParallelWrongLogins(String name)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(40);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<AggregatedHttpResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String guess = "wrong guess number " + i;
        calls.add(
            pool.submit(
                () -> {
                  start.await();
                  return api.attemptLogin(name, guess);
                }));
      }
      start.countDown();
      List<AggregatedHttpResponse> answers = new ArrayList<>();
      for (Future<AggregatedHttpResponse> call : calls) {
        answers.add(call.get(60, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aNewPasswordEndsTheUsersOtherSessions() throws Exception {
    createUser("reset-by-admin", "viewer");
    createUser("reset-by-self", "admin");
    ApiCaller.Session stolen = api.login("reset-by-admin", PASSWORD);
    ApiCaller.Session changing = api.login("reset-by-self", PASSWORD);
    ApiCaller.Session elsewhere = api.login("reset-by-self", PASSWORD);
    String newPassword = "{\"password\":\"another long passphrase\"}";

    assertThat(
            admin(HttpMethod.PUT, "/api/users/reset-by-admin/password", newPassword)
                .status()
                .code())
        .isEqualTo(200);
    assertThat(
            api.call(
                    HttpMethod.PUT,
                    "/api/users/reset-by-self/password",
                    changing.write(),
                    newPassword)
                .status()
                .code())
        .isEqualTo(200);

    assertThat(signedIn(stolen)).isEqualTo(401);
    assertThat(signedIn(elsewhere)).isEqualTo(401);
    assertThat(signedIn(changing)).isEqualTo(200);
  }

  private static int signedIn(ApiCaller.Session session) {
    return api.call(HttpMethod.GET, "/api/session", session.read(), null).status().code();
  }

  @Test
  void aCookieWriteWithoutTheCsrfTokenIsRefusedAndStoresNothing() throws Exception {
    ApiCaller.Session session = api.login("admin", api.adminPassword());
    String body = user("csrf-victim", PASSWORD, "admin");

    AggregatedHttpResponse missing = api.call(HttpMethod.POST, "/api/users", session.read(), body);
    AggregatedHttpResponse forged =
        api.call(
            HttpMethod.POST,
            "/api/users",
            Map.of("cookie", session.read().get("cookie"), "x-csrf-token", "forged"),
            body);

    assertThat(missing.status().code()).isEqualTo(403);
    assertThat(problem(missing)).contains("X-CSRF-Token");
    assertThat(forged.status().code()).isEqualTo(403);
    assertThat(userNames()).doesNotContain("csrf-victim");
    AggregatedHttpResponse withToken =
        api.call(HttpMethod.POST, "/api/users", session.write(), body);
    assertThat(withToken.status().code()).isEqualTo(201);
    assertThat(userNames()).contains("csrf-victim");
  }

  @Test
  void aViewerReadsEverythingButChangesNothingBySessionOrKey() throws Exception {
    createUser("watcher", "viewer");
    ApiCaller.Session viewer = api.login("watcher", PASSWORD);
    String key =
        json(admin(
                HttpMethod.POST,
                "/api/api-keys",
                "{\"user\":\"watcher\",\"label\":\"dashboards\"}"))
            .get("key")
            .asText();

    AggregatedHttpResponse bySession =
        api.call(
            HttpMethod.POST, "/api/users", viewer.write(), user("by-viewer", PASSWORD, "admin"));
    AggregatedHttpResponse byKey =
        api.call(
            HttpMethod.POST,
            "/api/tasks/scripts",
            key,
            "{\"script\":\"echo hi\",\"syntax\":\"bash\"}");

    assertThat(bySession.status().code()).isEqualTo(403);
    assertThat(problem(bySession))
        .contains("'watcher' has the viewer role, which can read but not change anything");
    assertThat(byKey.status().code()).isEqualTo(403);
    assertThat(userNames()).doesNotContain("by-viewer");
    assertThat(json(admin(HttpMethod.GET, "/api/tasks", null))).isEmpty();
    for (String path : List.of("/api/tentacles", "/api/tasks", "/api/users", "/api/audit")) {
      assertThat(api.call(HttpMethod.GET, path, viewer.read(), null).status().code())
          .as(path)
          .isEqualTo(200);
      assertThat(api.call(HttpMethod.GET, path, key, null).status().code()).as(path).isEqualTo(200);
    }
  }

  @Test
  void anApiKeyIsShownOnceActsAsItsUserAndStopsWorkingWhenRevoked() throws Exception {
    AggregatedHttpResponse created =
        admin(HttpMethod.POST, "/api/api-keys", "{\"label\":\"ci pipeline\"}");
    assertThat(created.status().code()).isEqualTo(201);
    String key = json(created).get("key").asText();
    String id = json(created).get("apiKey").get("id").asText();
    assertThat(json(created).get("apiKey").get("user").asText()).isEqualTo("admin");

    AggregatedHttpResponse listed = admin(HttpMethod.GET, "/api/api-keys?user=admin", null);
    assertThat(listed.contentUtf8()).contains(id).contains("ci pipeline").doesNotContain(key);
    assertThat(api.call(HttpMethod.GET, "/api/tasks", key, null).status().code()).isEqualTo(200);

    assertThat(admin(HttpMethod.DELETE, "/api/api-keys/" + id, null).status().code())
        .isEqualTo(200);

    AggregatedHttpResponse revoked = api.call(HttpMethod.GET, "/api/tasks", key, null);
    assertThat(revoked.status().code()).isEqualTo(401);
    assertThat(problem(revoked)).contains("revoked");
    AggregatedHttpResponse again = admin(HttpMethod.DELETE, "/api/api-keys/" + id, null);
    assertThat(again.status().code()).isEqualTo(409);
    assertThat(admin(HttpMethod.DELETE, "/api/api-keys/A-nope", null).status().code())
        .isEqualTo(404);
    assertThat(api.audit())
        .contains("admin | DELETE /api/api-keys/" + id + " | api key " + id + " of admin")
        .anyMatch(e -> e.startsWith("admin | POST /api/api-keys | api key " + id))
        .noneMatch(e -> e.contains(key));
  }

  @Test
  void badUsersAndKeysAreRefusedNamingTheProblem() throws Exception {
    createUser("taken-user", "viewer");
    record Case(String path, String body, int status, String expected) {}
    for (Case c :
        List.of(
            new Case("/api/users", user("bad name!", PASSWORD, "viewer"), 400, "name: 'bad name!'"),
            new Case(
                "/api/users", user("short-pw", "short", "viewer"), 400, "password: 5 characters"),
            new Case("/api/users", user("no-role", PASSWORD, "root"), 400, "role: 'root'"),
            new Case("/api/users", user("taken-user", PASSWORD, "admin"), 409, "exists already"),
            new Case("/api/users", "{\"name\":\"x\",\"pwd\":\"y\"}", 400, "unknown field 'pwd'"),
            new Case("/api/api-keys", "{\"user\":\"ghost\",\"label\":\"x\"}", 400, "no user named"),
            new Case("/api/api-keys", "{\"label\":\"\"}", 400, "label:"))) {
      AggregatedHttpResponse response = admin(HttpMethod.POST, c.path(), c.body());

      assertThat(response.status().code()).as(c.body()).isEqualTo(c.status());
      assertThat(problem(response)).as(c.body()).contains(c.expected());
    }
    assertThat(userNames()).doesNotContain("bad name!", "short-pw", "no-role");
    assertThat(
            json(admin(HttpMethod.GET, "/api/users", null)).findValues("name").stream()
                .filter(n -> n.asText().equals("taken-user"))
                .count())
        .isEqualTo(1);
  }

  @Test
  void logoutEndsTheSessionAndClearsTheCookie() throws Exception {
    ApiCaller.Session session = api.login("admin", api.adminPassword());

    AggregatedHttpResponse out = api.call(HttpMethod.POST, "/api/logout", session.write(), null);

    assertThat(out.status().code()).isEqualTo(204);
    assertThat(out.headers().get("set-cookie")).contains("Max-Age=0");
    AggregatedHttpResponse after = api.call(HttpMethod.GET, "/api/tentacles", session.read(), null);
    assertThat(after.status().code()).isEqualTo(401);
    assertThat(problem(after)).contains("session has ended");
    assertThat(api.audit()).contains("admin | logout | user admin");
  }

  @Test
  void theApiIsDocumentedAtDocs() throws Exception {
    AggregatedHttpResponse spec =
        api.call(HttpMethod.GET, "/docs/specification.json", Map.of(), null);

    assertThat(spec.status().code()).isEqualTo(200);
    assertThat(spec.contentUtf8()).contains("exact:/api/users").contains("/log/stream");
  }
}
