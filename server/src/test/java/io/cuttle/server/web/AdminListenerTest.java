package io.cuttle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.server.CuttleServer;
import io.cuttle.testkit.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener of a real server, over real HTTP: health for supervisors and load balancers,
 * Prometheus text for scrapers, on loopback and off the public port. The figures moving with a real
 * script run are MetricsTest's (dist), which has tentacles.
 */
class AdminListenerTest {
  @TempDir static Path data;
  private static CuttleServer server;
  private static ApiCaller api;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = ServerPerClass.start(data, b -> b);
    api = new ApiCaller(server);
  }

  @AfterAll
  static void stop() {
    api.close();
    server.close();
  }

  private static HttpResponse<String> admin(String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://" + hostPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String hostPort() {
    return "127.0.0.1:" + server.adminAddress().getPort();
  }

  @Test
  void aStartedServerIsLiveAndReadyOnLoopback() throws Exception {
    assertThat(server.adminAddress().getAddress().isLoopbackAddress()).isTrue();

    HttpResponse<String> live = admin("GET", "/health/live");
    HttpResponse<String> ready = admin("GET", "/health/ready");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("live\n");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready\n");
    // The outside monitors' page stays as it was, on the public port.
    assertThat(api.call(HttpMethod.GET, "/api/health", (String) null, null).status().code())
        .isEqualTo(200);
  }

  @Test
  void onlyReadsAreAnsweredAndOnlyTheAdminPages() throws Exception {
    assertThat(admin("POST", "/metrics").statusCode()).isEqualTo(405);
    assertThat(admin("DELETE", "/health/ready").statusCode()).isEqualTo(405);
    assertThat(admin("GET", "/api/health").statusCode()).isEqualTo(404);
    assertThat(admin("HEAD", "/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void thePublicPortNeverServesTheAdminPages() {
    for (String path : new String[] {"/metrics", "/health/live", "/health/ready"}) {
      AggregatedHttpResponse answer = api.call(HttpMethod.GET, path, (String) null, null);
      assertThat(answer.status().code()).as(path).isEqualTo(404);
      assertThat(answer.contentUtf8()).doesNotContain("cuttle_", "live", "ready");
    }
  }

  @Test
  void metricsArePrometheusTextWithTheServersFiguresFromTheFirstScrape() throws Exception {
    HttpResponse<String> page = admin("GET", "/metrics");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    PrometheusText metrics = new PrometheusText(page.body());

    assertThat(metrics.get("cuttle_database_available")).isEqualTo(1.0);
    assertThat(metrics.get("cuttle_database_pool_connections_max")).isEqualTo(10.0);
    assertThat(metrics.get("cuttle_tentacles_registered")).isZero();
    assertThat(metrics.get("cuttle_tentacles_offline")).isZero();
    for (String route : new String[] {"legacy", "builtin_router", "external_router"}) {
      assertThat(metrics.get("cuttle_tentacles_connected{route=\"" + route + "\"}")).isZero();
    }
    assertThat(metrics.get("cuttle_polls_held")).isZero();
    assertThat(metrics.get("cuttle_commands_queued_total")).isZero();
    assertThat(metrics.get("cuttle_commands_finished_total{outcome=\"failed\"}")).isZero();
    assertThat(metrics.get("cuttle_command_dispatch_latency_seconds_count")).isZero();
    assertThat(metrics.get("cuttle_polling_refused_total{reason=\"certificate_not_registered\"}"))
        .isZero();
    assertThat(metrics.names())
        .contains(
            "jvm_memory_used_bytes",
            "jvm_threads_live_threads",
            "process_cpu_usage",
            "process_uptime_seconds",
            "cuttle_command_output_bytes_total",
            "cuttle_task_duration_seconds_count")
        .noneMatch(name -> name.startsWith("armeria_"));

    X509Certificate certificate;
    try (var in = Files.newInputStream(data.resolve("identity").resolve("cert.pem"))) {
      certificate =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertThat(metrics.get("cuttle_certificate_expiry_timestamp_seconds{certificate=\"current\"}"))
        .isEqualTo(certificate.getNotAfter().getTime() / 1000.0);
  }

  @Test
  void apiCallsShowInTheHttpAndBuiltInRouterFigures() throws Exception {
    PrometheusText before = PrometheusText.scrape(hostPort());

    AggregatedHttpResponse nodes = api.admin(HttpMethod.GET, "/api/nodes", null);
    assertThat(nodes.status().code()).isEqualTo(200);

    PrometheusText after = PrometheusText.scrape(hostPort());
    assertThat(after.sum("cuttle_http_server_requests_total"))
        .isGreaterThan(before.sum("cuttle_http_server_requests_total"));
    assertThat(after.get("cuttle_router_route_connections_total{route=\"web\"}"))
        .isGreaterThanOrEqualTo(1.0);
    // Counts and sums only: client-side percentiles per operation would be thousands of series.
    assertThat(after.names()).contains("cuttle_http_server_request_duration_seconds_count");
    assertThat(after.text()).doesNotContain("quantile=");
  }
}
