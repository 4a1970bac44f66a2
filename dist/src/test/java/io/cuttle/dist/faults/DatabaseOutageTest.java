package io.cuttle.dist.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import io.cuttle.client.ApiClient;
import io.cuttle.client.ApiException;
import io.cuttle.common.net.LoopbackAwareResolverGroup;
import io.cuttle.common.pki.PinnedTrustManager;
import io.cuttle.dist.LogCapture;
import io.cuttle.dist.TentacleCaller;
import io.cuttle.dist.TestFleet;
import io.cuttle.server.data.TestPostgres;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.testkit.PrometheusText;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's PostgreSQL database becomes unreachable for a while, through a fault forwarder on
 * its JDBC connection, while a tentacle runs a script that prints lines and another task waits for
 * it: the server says so on /api/health (and is not ready, though live, on its admin listener, with
 * cuttle_database_available at 0), answers the API with 503 and tentacles with UNAVAILABLE, logs
 * the outage once, and once the database is back both tasks end with every line stored once and in
 * order, each script run once, each result recorded once.
 */
@Timeout(180)
class DatabaseOutageTest {
  private static final String TENTACLE = "db-outage";
  private static final Duration OUTAGE = Duration.ofSeconds(6);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  @TempDir Path databaseFolder;
  private TestPostgres postgres;
  private FaultForwarder database;
  private TestFleet fleet;
  private TentacleHome home;
  private ClientFactory clients;
  private LogCapture serverLog;
  private LogCapture poolLog;

  @BeforeEach
  void startFleetOnPostgresBehindTheForwarder() throws Exception {
    postgres = TestPostgres.start(databaseFolder);
    int postgresPort = URI.create(postgres.jdbcUrl().substring("jdbc:".length())).getPort();
    database = FaultForwarder.toLoopback(postgresPort);
    String viaForwarder = "jdbc:postgresql://127.0.0.1:" + database.port() + "/postgres";
    fleet = new TestFleet(dir, b -> b.database(viaForwarder, postgres.user(), null));
    home = fleet.register(TENTACLE, true);
    fleet.start(home);
    clients =
        ClientFactory.builder()
            .addressResolverGroupFactory(eventLoops -> LoopbackAwareResolverGroup.INSTANCE)
            .tlsCustomizer(
                tls ->
                    tls.trustManager(
                        new PinnedTrustManager(
                            Set.of(fleet.server.thumbprint()), (seen, expected) -> {})))
            .build();
    serverLog = new LogCapture("io.cuttle.server");
    poolLog = new LogCapture("com.zaxxer.hikari");
  }

  @AfterEach
  void stop() throws Exception {
    if (serverLog != null) {
      serverLog.close();
      poolLog.close();
    }
    if (clients != null) {
      clients.close();
    }
    if (fleet != null) {
      fleet.close();
    }
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void aDatabaseThatRefusesConnectionsForAWhileLosesAndRepeatsNothing() throws Exception {
    ExactlyOnce running = ExactlyOnce.script(dir, "running", 40, "0.5");
    ExactlyOnce queued = ExactlyOnce.script(dir, "queued", 3, "0");
    TaskView first = run(running);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ExactlyOnce.linesStored(fleet, first.id()) >= 4);
    // Runs alone on the tentacle, so it waits in the queue until the first has ended.
    TaskView second = run(queued);

    database.refuseNew(true);
    database.resetAll();
    assertUnavailableWhileDown(second);
    Thread.sleep(OUTAGE.toMillis());
    database.heal();

    await().atMost(Duration.ofSeconds(30)).until(() -> health().status().code() == 200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> adminPage("/health/ready").statusCode() == 200);
    running.assertRanOnce(fleet, first.id());
    queued.assertRanOnce(fleet, second.id());
    assertTheOutageWasLoggedOnce();
  }

  @Test
  void aHungDatabaseIsReportedAndItsCallersResumeWhenItAnswersAgain() throws Exception {
    ExactlyOnce running = ExactlyOnce.script(dir, "hung-running", 40, "0.5");
    ExactlyOnce queued = ExactlyOnce.script(dir, "hung-queued", 3, "0");
    TaskView first = run(running);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ExactlyOnce.linesStored(fleet, first.id()) >= 4);
    TaskView second = run(queued);

    // Connections stay open but nothing moves: statements in flight wait, new ones time out.
    database.pause();
    assertUnavailableWhileDown(second);
    Thread.sleep(OUTAGE.toMillis());
    database.resume();

    await().atMost(Duration.ofSeconds(30)).until(() -> health().status().code() == 200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> adminPage("/health/ready").statusCode() == 200);
    running.assertRanOnce(fleet, first.id());
    queued.assertRanOnce(fleet, second.id());
    assertTheOutageWasLoggedOnce();
  }

  private void assertUnavailableWhileDown(TaskView queuedTask) throws Exception {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> health().status().code() == 503);
    JsonNode health = JSON.readTree(health().contentUtf8());
    assertThat(health.path("status").asText()).isEqualTo("unavailable");
    assertThat(health.path("database").path("status").asText()).isEqualTo("unavailable");
    assertThat(Instant.parse(health.path("database").path("since").asText()))
        .isBefore(Instant.now());
    // Not ready, so a load balancer looks elsewhere; still live, so nothing restarts the server.
    HttpResponse<String> ready = adminPage("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("database unavailable since");
    assertThat(adminPage("/health/live").statusCode()).isEqualTo(200);
    assertThat(PrometheusText.scrape(adminHostPort()).get("cuttle_database_available")).isZero();

    try (ApiClient api = fleet.api()) {
      ApiException refused =
          catchThrowableOfType(ApiException.class, () -> api.task(queuedTask.id()));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.getMessage()).contains("database is unavailable", "retry later");
    }

    try (TentacleCaller tentacle = new TentacleCaller(fleet, home, Duration.ofSeconds(30))) {
      StatusRuntimeException poll =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  tentacle.polling.poll(
                      PollRequest.newBuilder()
                          .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
                          .setTentacleId(tentacle.tentacleId)
                          .setFreeSlots(1)
                          .build()));
      assertThat(poll.getStatus().getCode())
          .as("a status the tentacle retries with backoff: %s", poll.getStatus())
          .isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  private void assertTheOutageWasLoggedOnce() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                serverLog.messagesAt(Level.INFO).stream()
                    .anyMatch(m -> m.startsWith("The database is back")));
    assertThat(serverLog.messagesAt(Level.WARN))
        .filteredOn(m -> m.startsWith("The database is unavailable"))
        .hasSize(1);
    assertThat(serverLog.messagesAt(Level.ERROR)).isEmpty();
    assertThat(serverLog.eventsWithStackTraces()).isZero();
    assertThat(poolLog.messages())
        .as("the connection pool's own words for each connection")
        .isEmpty();
  }

  private AggregatedHttpResponse health() {
    return WebClient.builder(fleet.server.info().webUrl())
        .factory(clients)
        .build()
        .blocking()
        .get("/api/health");
  }

  private String adminHostPort() {
    return "127.0.0.1:" + fleet.server.adminAddress().getPort();
  }

  private HttpResponse<String> adminPage(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://" + adminHostPort() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private TaskView run(ExactlyOnce script) {
    return fleet.runScript(script.source(), List.of(TENTACLE), 120L);
  }
}
