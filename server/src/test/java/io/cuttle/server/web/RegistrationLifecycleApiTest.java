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
import io.cuttle.server.ShiftedClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One-time registration tokens and deregistration through the REST API. The server's clock can be
 * moved forward, so expiry is tested without waiting.
 */
class RegistrationLifecycleApiTest {
  private static final ShiftedClock CLOCK = new ShiftedClock();

  @RegisterExtension
  static final ServerPerClass cuttle =
      new ServerPerClass(
          b ->
              // Long enough that moving the clock never fails the queued command of a test.
              b.pickupTimeout(Duration.ofDays(365))
                  .silenceTimeout(Duration.ofDays(365))
                  .clock(CLOCK));

  private static CuttleServer server;
  private static ApiCaller api;

  private static AggregatedHttpResponse call(
      HttpMethod method, String path, String key, String body) {
    return api.call(method, path, key, body);
  }

  private static AggregatedHttpResponse admin(HttpMethod method, String path, String body) {
    return api.admin(method, path, body);
  }

  private static String newToken(String body) throws Exception {
    AggregatedHttpResponse created = admin(HttpMethod.POST, "/api/registration-tokens", body);
    assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(201);
    return json(created).get("token").asText();
  }

  private static int status(String path) {
    return admin(HttpMethod.GET, path, null).status().code();
  }

  private static String registrationIn(String name, String environment, String create) {
    return registration(name, newThumbprint())
        .replace("\"Dev\"", "\"" + environment + "\"")
        .replace("}", create == null ? "}" : ",\"createEnvironment\":" + create + "}");
  }

  @Test
  void anUnknownEnvironmentIsRefusedWithTheKnownOnesOnlyWhenTheClientSaysNotToCreateIt()
      throws Exception {
    assertThat(
            admin(HttpMethod.POST, "/api/tentacles", registrationIn("env-1", "Production", null))
                .status()
                .code())
        .as("an old client's registration adds the environment, as before")
        .isEqualTo(200);

    AggregatedHttpResponse misspelt =
        admin(HttpMethod.POST, "/api/tentacles", registrationIn("env-2", "Prodution", "false"));
    AggregatedHttpResponse created =
        admin(HttpMethod.POST, "/api/tentacles", registrationIn("env-3", "Kitchen", "true"));

    assertThat(misspelt.status().code()).isEqualTo(404);
    assertThat(problem(misspelt))
        .contains("no environment 'Prodution'; did you mean 'Production'?")
        .contains("Production")
        .contains("register with createEnvironment: true");
    assertThat(status("/api/tentacles/env-2")).isEqualTo(404);
    assertThat(admin(HttpMethod.GET, "/api/environments", null).contentUtf8())
        .doesNotContain("Prodution")
        .contains("Kitchen");
    assertThat(created.status().code()).as(created.contentUtf8()).isEqualTo(200);
  }

  @Test
  void aTokenRegistersExactlyOnce() throws Exception {
    String token = newToken("{\"expiresInSeconds\":600}");
    assertThat(token).startsWith("cuttle_rt_");

    AggregatedHttpResponse first =
        call(HttpMethod.POST, "/api/tentacles", token, registration("tok-1", newThumbprint()));
    AggregatedHttpResponse second =
        call(HttpMethod.POST, "/api/tentacles", token, registration("tok-2", newThumbprint()));

    assertThat(first.status().code()).as(first.contentUtf8()).isEqualTo(200);
    assertThat(status("/api/tentacles/tok-1")).isEqualTo(200);
    assertThat(second.status().code()).isEqualTo(401);
    assertThat(problem(second))
        .contains("already used, by tentacle 'tok-1'")
        .contains("ask an admin for a new one");
    assertThat(status("/api/tentacles/tok-2")).isEqualTo(404);
  }

  @Test
  void aTokenDoesNotWorkAfterItExpires() throws Exception {
    String token = newToken("{\"expiresInSeconds\":60}");
    CLOCK.offsetMillis.addAndGet(Duration.ofSeconds(61).toMillis());

    AggregatedHttpResponse late =
        call(HttpMethod.POST, "/api/tentacles", token, registration("late-1", newThumbprint()));

    assertThat(late.status().code()).isEqualTo(401);
    assertThat(problem(late)).contains("the registration token expired at");
    assertThat(status("/api/tentacles/late-1")).isEqualTo(404);
  }

  @Test
  void aFailedRegistrationLeavesTheTokenUsable() throws Exception {
    String token = newToken(null);

    AggregatedHttpResponse bad =
        call(HttpMethod.POST, "/api/tentacles", token, registration("bad name!", newThumbprint()));
    AggregatedHttpResponse good =
        call(HttpMethod.POST, "/api/tentacles", token, registration("retry-1", newThumbprint()));

    assertThat(bad.status().code()).isEqualTo(400);
    assertThat(good.status().code()).as(good.contentUtf8()).isEqualTo(200);
  }

  @Test
  void aTokenCanOnlyRegisterAndCannotReplaceATentacle() throws Exception {
    String original = newThumbprint();
    admin(HttpMethod.POST, "/api/tentacles", registration("held-1", original));
    String token = newToken(null);

    AggregatedHttpResponse list = call(HttpMethod.GET, "/api/tentacles", token, null);
    AggregatedHttpResponse mint = call(HttpMethod.POST, "/api/registration-tokens", token, "{}");
    AggregatedHttpResponse takeover =
        call(
            HttpMethod.POST,
            "/api/tentacles",
            token,
            registration("held-1", newThumbprint()).replace("}", ",\"force\":true}"));

    assertThat(list.status().code()).isEqualTo(403);
    assertThat(problem(list)).contains("a registration token can only register a tentacle");
    assertThat(mint.status().code()).isEqualTo(403);
    assertThat(takeover.status().code()).isEqualTo(409);
    assertThat(problem(takeover))
        .contains("a tentacle named 'held-1' is already registered")
        .contains("a registration token only adds a new tentacle");
    assertThat(
            json(admin(HttpMethod.GET, "/api/tentacles/held-1", null)).get("thumbprint").asText())
        .isEqualTo(original);
    // Refused requests did not use the token up.
    assertThat(
            call(HttpMethod.POST, "/api/tentacles", token, registration("new-1", newThumbprint()))
                .status()
                .code())
        .isEqualTo(200);
  }

  @Test
  void aTokenCannotChangeATentacleThroughItsPublicThumbprintButAnAdminKeyCan() throws Exception {
    String thumbprint = newThumbprint();
    String next = newThumbprint();
    assertThat(
            admin(HttpMethod.POST, "/api/tentacles", registration("prod-1", thumbprint))
                .status()
                .code())
        .isEqualTo(200);
    setNextThumbprint("prod-1", next);
    String before = admin(HttpMethod.GET, "/api/tentacles/prod-1", null).contentUtf8();
    String environments = admin(HttpMethod.GET, "/api/environments", null).contentUtf8();
    String token = newToken(null);

    AggregatedHttpResponse changed =
        call(
            HttpMethod.POST,
            "/api/tentacles",
            token,
            registration("prod-1", thumbprint)
                .replace("\"Dev\"", "\"Attacker\"")
                .replace("[\"web\"]", "[\"db\",\"web\"]")
                .replace("https://localhost:10943", "https://attacker.example:443"));

    assertThat(changed.status().code()).as(changed.contentUtf8()).isEqualTo(409);
    assertThat(problem(changed))
        .contains("a tentacle named 'prod-1' is already registered")
        .contains("register it with an admin's API key");
    assertThat(admin(HttpMethod.GET, "/api/tentacles/prod-1", null).contentUtf8())
        .isEqualTo(before);
    assertThat(nextThumbprint("prod-1")).isEqualTo(next);
    assertThat(admin(HttpMethod.GET, "/api/environments", null).contentUtf8())
        .isEqualTo(environments);

    // An admin's key may still change it; the refused token was not used up.
    AggregatedHttpResponse moved =
        admin(
            HttpMethod.POST,
            "/api/tentacles",
            registration("prod-1", thumbprint).replace("\"Dev\"", "\"Moved\""));
    assertThat(moved.status().code()).as(moved.contentUtf8()).isEqualTo(200);
    assertThat(
            json(admin(HttpMethod.GET, "/api/tentacles/prod-1", null)).get("environment").asText())
        .isEqualTo("Moved");
    assertThat(
            call(HttpMethod.POST, "/api/tentacles", token, registration("prod-2", newThumbprint()))
                .status()
                .code())
        .isEqualTo(200);
  }

  @Test
  void aRefusedRegistrationStoresNothingNotEvenItsNewEnvironment() throws Exception {
    // Registrations racing for one token: one wins, and each loser, refused however late, leaves
    // neither a tentacle nor the environment it named behind.
    String token = newToken(null);
    int racers = 8;
    List<CompletableFuture<AggregatedHttpResponse>> answers = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      for (int i = 0; i < racers; i++) {
        String body =
            registration("race-" + i, newThumbprint()).replace("\"Dev\"", "\"Race" + i + "\"");
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return call(HttpMethod.POST, "/api/tentacles", token, body);
                },
                pool));
      }
      go.countDown();
      List<Integer> winners = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        AggregatedHttpResponse answer = answers.get(i).get(60, TimeUnit.SECONDS);
        assertThat(answer.status().code()).as(answer.contentUtf8()).isIn(200, 401);
        if (answer.status().code() == 200) {
          winners.add(i);
        }
      }

      assertThat(winners).hasSize(1);
      String environments = admin(HttpMethod.GET, "/api/environments", null).contentUtf8();
      for (int i = 0; i < racers; i++) {
        boolean won = winners.contains(i);
        assertThat(environments.contains("\"Race" + i + "\"")).as("Race" + i).isEqualTo(won);
        assertThat(status("/api/tentacles/race-" + i)).isEqualTo(won ? 200 : 404);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void setNextThumbprint(String name, String next) throws Exception {
    try (var db =
            java.sql.DriverManager.getConnection(
                io.cuttle.server.data.Database.embeddedUrl(cuttle.data()), "", "");
        var update =
            db.prepareStatement("UPDATE tentacles SET next_thumbprint = ? WHERE name = ?")) {
      update.setString(1, next);
      update.setString(2, name);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  private static String nextThumbprint(String name) throws Exception {
    try (var db =
            java.sql.DriverManager.getConnection(
                io.cuttle.server.data.Database.embeddedUrl(cuttle.data()), "", "");
        var query = db.prepareStatement("SELECT next_thumbprint FROM tentacles WHERE name = ?")) {
      query.setString(1, name);
      var rows = query.executeQuery();
      assertThat(rows.next()).isTrue();
      return rows.getString(1);
    }
  }

  @Test
  void unknownTokensAndBadExpiriesAreRefused() throws Exception {
    AggregatedHttpResponse unknown =
        call(
            HttpMethod.POST,
            "/api/tentacles",
            "cuttle_rt_forged",
            registration("forged-1", newThumbprint()));
    AggregatedHttpResponse tooLong =
        admin(HttpMethod.POST, "/api/registration-tokens", "{\"expiresInSeconds\":99999999}");
    AggregatedHttpResponse zero =
        admin(HttpMethod.POST, "/api/registration-tokens", "{\"expiresInSeconds\":0}");
    AggregatedHttpResponse anonymous =
        call(HttpMethod.POST, "/api/registration-tokens", null, "{}");

    assertThat(unknown.status().code()).isEqualTo(401);
    assertThat(problem(unknown)).isEqualTo("the registration token is not valid on this server");
    assertThat(tooLong.status().code()).isEqualTo(400);
    assertThat(problem(tooLong)).contains("expiresInSeconds: 99999999 (expected: 1 to 2592000");
    assertThat(zero.status().code()).isEqualTo(400);
    assertThat(anonymous.status().code()).isEqualTo(401);
  }

  @Test
  void tokensAreStoredHashedAndShownOnce() throws Exception {
    AggregatedHttpResponse created = admin(HttpMethod.POST, "/api/registration-tokens", null);

    JsonNode body = json(created);
    assertThat(created.status().code()).isEqualTo(201);
    assertThat(body.get("expiresAt").asLong() - CLOCK.millis())
        .isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
    String token = body.get("token").asText();
    try (var db =
        java.sql.DriverManager.getConnection(
            io.cuttle.server.data.Database.embeddedUrl(cuttle.data()), "", "")) {
      var rows = db.createStatement().executeQuery("SELECT token_hash FROM registration_tokens");
      while (rows.next()) {
        assertThat(rows.getString(1)).doesNotContain(token.substring("cuttle_rt_".length()));
      }
    }
  }

  @Test
  void deregisteringFreesTheNameFailsUnfinishedWorkAndKeepsHistory() throws Exception {
    String thumbprint = newThumbprint();
    admin(HttpMethod.POST, "/api/tentacles", registration("gone-1", thumbprint));
    JsonNode task =
        json(
            admin(
                HttpMethod.POST,
                "/api/tasks/scripts",
                "{\"script\":\"echo hi\",\"tentacles\":[\"gone-1\"]}"));

    AggregatedHttpResponse wrongCertificate =
        admin(HttpMethod.DELETE, "/api/tentacles/gone-1?thumbprint=" + newThumbprint(), null);
    AggregatedHttpResponse removed =
        admin(HttpMethod.DELETE, "/api/tentacles/gone-1?thumbprint=" + thumbprint, null);
    AggregatedHttpResponse again = admin(HttpMethod.DELETE, "/api/tentacles/gone-1", null);

    assertThat(wrongCertificate.status().code()).isEqualTo(409);
    assertThat(problem(wrongCertificate)).contains("registered with another certificate");
    assertThat(removed.status().code()).as(removed.contentUtf8()).isEqualTo(200);
    assertThat(json(removed).get("failedCommands").asInt()).isEqualTo(1);
    assertThat(again.status().code()).isEqualTo(404);
    assertThat(status("/api/tentacles/gone-1")).isEqualTo(404);
    JsonNode after = json(admin(HttpMethod.GET, "/api/tasks/" + task.get("id").asText(), null));
    assertThat(after.get("state").asText()).isEqualTo("FAILED");
    JsonNode target = after.get("targets").get(0);
    assertThat(target.get("tentacleName").asText()).isEqualTo("gone-1");
    assertThat(target.get("message").asText()).contains("was deregistered");
    // The same certificate and name can be registered afresh.
    assertThat(
            admin(HttpMethod.POST, "/api/tentacles", registration("gone-1", thumbprint))
                .status()
                .code())
        .isEqualTo(200);
  }
}
