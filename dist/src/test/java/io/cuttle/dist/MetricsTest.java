package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuttle.testkit.PrometheusText;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The server's {@code /metrics} with a real fleet: one tentacle through the built-in router, one
 * through the legacy port. A script run moves the figures it should, and every series the Grafana
 * dashboard ({@code docs/grafana-dashboard.json}) and the alert rules ({@code docs/operations.md})
 * query is in a real scrape, so neither can drift from what the server serves.
 */
@Timeout(120)
class MetricsTest {
  private static final String DASHBOARD = "docs/grafana-dashboard.json";
  private static final String OPERATIONS = "docs/operations.md";

  /** The series names a PromQL expression reads; label values ("cuttle-server") never match. */
  private static final Pattern SERIES =
      Pattern.compile("\\b((?:cuttle|jvm|process|system)_[a-zA-Z0-9_]+)");

  @TempDir static Path dir;
  private static TestFleet fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = new TestFleet(dir);
    fleet.start(fleet.register("metrics-routed", true));
    fleet.start(fleet.register("metrics-legacy", false));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              PrometheusText now = scrape();
              return now.get("cuttle_tentacles_connected{route=\"builtin_router\"}") == 1
                  && now.get("cuttle_tentacles_connected{route=\"legacy\"}") == 1;
            });
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private static PrometheusText scrape() throws Exception {
    return fleet.metrics();
  }

  @Test
  void aScriptRunMovesTheFigures() throws Exception {
    PrometheusText before = scrape();
    assertThat(before.get("cuttle_tentacles_registered")).isEqualTo(2);
    assertThat(before.get("cuttle_tentacles_offline")).isZero();
    assertThat(before.get("cuttle_polls_held")).isGreaterThanOrEqualTo(2);
    assertThat(before.get("cuttle_database_available")).isEqualTo(1);

    TaskView task =
        fleet.runScript(
            "echo \"metrics from $CUTTLE_TENTACLE_NAME\"",
            List.of("metrics-routed", "metrics-legacy"),
            60L);
    fleet.follow(task.id());
    assertThat(fleet.task(task.id()).state()).isEqualTo(TaskState.SUCCEEDED);

    String succeeded = "cuttle_commands_finished_total{outcome=\"succeeded\"}";
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> scrape().get(succeeded) >= before.get(succeeded) + 2);
    PrometheusText after = scrape();
    assertThat(moved(before, after, "cuttle_commands_queued_total")).isEqualTo(2);
    assertThat(moved(before, after, "cuttle_commands_delivered_total")).isGreaterThanOrEqualTo(2);
    assertThat(moved(before, after, "cuttle_commands_acknowledged_total")).isEqualTo(2);
    assertThat(moved(before, after, succeeded)).isEqualTo(2);
    assertThat(moved(before, after, "cuttle_commands_finished_total{outcome=\"failed\"}")).isZero();
    assertThat(moved(before, after, "cuttle_command_dispatch_latency_seconds_count")).isEqualTo(2);
    assertThat(moved(before, after, "cuttle_command_dispatch_latency_seconds_sum"))
        .isGreaterThanOrEqualTo(0);
    assertThat(moved(before, after, "cuttle_task_duration_seconds_count{outcome=\"succeeded\"}"))
        .isEqualTo(1);
    // "metrics from metrics-routed" and "metrics from metrics-legacy", one line break each.
    assertThat(moved(before, after, "cuttle_command_output_bytes_total"))
        .isEqualTo(("metrics from metrics-routed\n" + "metrics from metrics-legacy\n").length());
    assertThat(after.sum("cuttle_http_server_requests_total"))
        .isGreaterThan(before.sum("cuttle_http_server_requests_total"));
    // The built-in router's own figures, served with the server's.
    assertThat(after.get("cuttle_router_route_connections_total{route=\"polling\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(after.get("cuttle_router_route_connections_total{route=\"web\"}"))
        .isGreaterThan(before.get("cuttle_router_route_connections_total{route=\"web\"}"));
  }

  private static double moved(PrometheusText before, PrometheusText after, String series) {
    return after.get(series) - before.get(series);
  }

  @Test
  void everySeriesTheDashboardQueriesIsInARealScrape() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(locate(DASHBOARD)));
    List<String> queries = new ArrayList<>();
    dashboard.findValues("expr").forEach(expr -> queries.add(expr.asText()));
    assertThat(dashboard.path("title").asText()).isNotBlank();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(5);

    assertEverySeriesIsScraped(DASHBOARD, queries);
  }

  @Test
  void everySeriesTheAlertRulesQueryIsInARealScrape() throws Exception {
    Map<String, Object> file = new Yaml().load(testedBlock(OPERATIONS, "alert-rules"));
    List<String> queries = new ArrayList<>();
    Set<String> alerts = new TreeSet<>();
    for (Object group : (List<?>) file.get("groups")) {
      for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
        Map<?, ?> r = (Map<?, ?>) rule;
        assertThat(r.keySet().stream().map(String::valueOf).toList())
            .as("rule %s", r)
            .contains("alert", "expr", "labels", "annotations");
        assertThat(((Map<?, ?>) r.get("annotations")).get("summary")).as("rule %s", r).isNotNull();
        alerts.add((String) r.get("alert"));
        queries.add((String) r.get("expr"));
      }
    }
    assertThat(alerts)
        .contains(
            "CuttleTentaclesOffline",
            "CuttleDispatchLatencyHigh",
            "CuttleDatabaseUnavailable",
            "CuttleCertificateExpiresSoon");

    assertEverySeriesIsScraped(OPERATIONS, queries);
  }

  private static void assertEverySeriesIsScraped(String source, List<String> queries)
      throws Exception {
    Set<String> scraped = scrape().names();
    Set<String> queried = new TreeSet<>();
    for (String query : queries) {
      Matcher series = SERIES.matcher(query);
      boolean any = false;
      while (series.find()) {
        queried.add(series.group(1));
        any = true;
      }
      assertThat(any).as("%s: a query that reads no Cuttle series: %s", source, query).isTrue();
    }
    assertThat(scraped).as("series %s queries", source).containsAll(queried);
  }

  /** The fenced code block after {@code <!-- tested: NAME -->} in a doc at the repository root. */
  private static String testedBlock(String doc, String name) throws Exception {
    List<String> lines = Files.readAllLines(locate(doc), StandardCharsets.UTF_8);
    int marker = lines.indexOf("<!-- tested: " + name + " -->");
    assertThat(marker).as("%s has a '<!-- tested: %s -->' line", doc, name).isNotNegative();
    assertThat(lines.get(marker + 1)).as("a fenced block follows the marker").startsWith("```");
    StringBuilder block = new StringBuilder();
    for (int i = marker + 2; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
      block.append(lines.get(i)).append('\n');
    }
    return block.toString();
  }

  /** Maven runs a module's tests in the module folder; the docs are at the repository root. */
  private static Path locate(String relative) {
    for (Path folder = Path.of("").toAbsolutePath(); folder != null; folder = folder.getParent()) {
      if (Files.isRegularFile(folder.resolve(relative))) {
        return folder.resolve(relative);
      }
    }
    throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
