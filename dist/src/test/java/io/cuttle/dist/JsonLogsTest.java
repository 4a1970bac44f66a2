package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cuttle.client.ApiClient;
import io.cuttle.client.TaskFollower;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.DeployRequest;
import io.cuttle.wire.api.DeploymentView;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.api.TaskState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --log-format json} (and its environment variable) on a real server, router and tentacle,
 * each a process of its own with the jar's logging configuration: every line any of them writes to
 * stderr is one JSON object with time, level, logger and message, and the lines that matter carry
 * their context (the tentacle, the command, the router's route and remote address) as fields.
 */
@Timeout(240)
class JsonLogsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void serverRouterAndTentacleWriteOneJsonObjectPerLineWithTheirContext() throws Exception {
    int port = TestFleet.freePort();
    int legacyPort = TestFleet.freePort();
    int routerPort = TestFleet.freePort();
    Path data = dir.resolve("data");
    try (Service server =
        Service.start(
            dir,
            "server",
            Map.of(),
            "server",
            "--log-format",
            "json",
            "--data",
            data.toString(),
            "--bind",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--legacy-port",
            Integer.toString(legacyPort),
            "--admin-address",
            "127.0.0.1:0")) {
      server.awaitListening(port);
      String apiKey = Files.readString(data.resolve("admin-api-key")).strip();
      Thumbprint thumbprint = PemFiles.read(data.resolve("identity")).thumbprint();
      String webUrl = "https://localhost:" + port;
      Run register =
          CommandLineTest.cuttle(
              "tentacle",
              "register",
              "--instance",
              "web-1",
              "--home",
              dir.resolve("tentacles").toString(),
              "--server",
              webUrl,
              "--api-key",
              apiKey,
              "--server-thumbprint",
              thumbprint.toString(),
              "--comms-port",
              Integer.toString(legacyPort),
              "--environment",
              "Test");
      assertThat(register.exitCode()).as(register.err()).isZero();

      try (Service tentacle =
              Service.start(
                  dir,
                  "tentacle",
                  // The environment variable, not the option: both must work.
                  Map.of("CUTTLE_TENTACLE_LOG_FORMAT", "json"),
                  "tentacle",
                  "run",
                  "--instance",
                  "web-1",
                  "--home",
                  dir.resolve("tentacles").toString());
          Service router =
              Service.start(
                  dir,
                  "router",
                  Map.of(),
                  "router",
                  "--log-format",
                  "json",
                  "--listen",
                  "127.0.0.1:" + routerPort,
                  "--default",
                  "127.0.0.1:" + port);
          ApiClient api = ApiClient.connect(webUrl, apiKey, thumbprint)) {
        tentacle.awaitLog("connected to");
        deploy(api);
        router.awaitListening(routerPort);
        curlThroughRouter(routerPort);
        // The curl, not the port probe before it, which closed without a word.
        router.awaitLog("sni=localhost");
        server.awaitLog("ended: SUCCEEDED");
        tentacle.awaitLog("finished");

        List<JsonNode> serverLines = server.jsonLines();
        List<JsonNode> tentacleLines = tentacle.jsonLines();
        List<JsonNode> routerLines = router.jsonLines();

        JsonNode result = line(serverLines, "ended: SUCCEEDED");
        assertThat(result.path("tentacle").asText()).isEqualTo("web-1");
        assertThat(result.path("command").asText()).startsWith("C-");
        assertThat(result.path("remote").asText()).contains("127.0.0.1");
        assertThat(line(serverLines, "started by").path("task").asText()).startsWith("K-");
        assertThat(line(tentacleLines, "connected to").path("tentacle").asText())
            .isEqualTo("web-1");
        assertThat(line(tentacleLines, "finished").path("command").asText()).startsWith("C-");
        JsonNode access = line(routerLines, "sni=localhost");
        assertThat(access.path("logger").asText()).isEqualTo("cuttle.router.access");
        assertThat(access.path("remote").asText()).startsWith("127.0.0.1:");
        assertThat(access.path("sni").asText()).isEqualTo("localhost");
        assertThat(access.path("route").isTextual()).isTrue();
        assertThat(access.path("upstream").asText()).isEqualTo("127.0.0.1:" + port);
        assertThat(access.path("bytes_out").isNumber()).isTrue();
      }
    }
  }

  @Test
  void aWrongFormatIsRefusedNamingTheOptionAndTheChoices() {
    Run run = CommandLineTest.cuttle("router", "--log-format", "xml", "--listen", "127.0.0.1:0");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("--log-format must be text or json, not 'xml'.");
  }

  private static JsonNode line(List<JsonNode> lines, String messagePart) {
    return lines.stream()
        .filter(l -> l.path("message").asText().contains(messagePart))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line saying '" + messagePart + "' in " + lines));
  }

  private static void deploy(ApiClient api) throws InterruptedException {
    api.createProject(
        new ProjectRequest(
            "shop",
            "",
            List.of(
                new StepSpec(
                    "show", "script", List.of(), null, "bash", "echo hello", null, null, null))));
    api.createRelease("shop", new CreateReleaseRequest("1", Map.of()));
    DeploymentView deployment = api.deploy(new DeployRequest("shop", "1", "Test"));
    assertThat(new TaskFollower(api).follow(deployment.taskId(), line -> {}).state())
        .isEqualTo(TaskState.SUCCEEDED);
  }

  private static void curlThroughRouter(int routerPort) throws Exception {
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--insecure",
                "--max-time",
                "30",
                "-o",
                "/dev/null",
                "https://localhost:" + routerPort + "/api/health")
            .redirectErrorStream(true)
            .start();
    curl.getOutputStream().close();
    curl.getInputStream().readAllBytes();
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * A cuttle process with stdout and stderr apart: stdout is a command's output, stderr its log,
   * and it is the log that must be JSON throughout.
   */
  private record Service(String name, Process process, Path err) implements AutoCloseable {
    static Service start(Path dir, String name, Map<String, String> environment, String... args)
        throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      // The jar's logging configuration, not a test one that other modules' test jars put on this
      // class path.
      command.add("-Dlogback.configurationFile=" + Cuttle.class.getResource("/logback.xml"));
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(Cuttle.class.getName());
      command.addAll(List.of(args));
      Path err = dir.resolve(name + ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(dir.resolve(name + ".out").toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      process.getOutputStream().close();
      return new Service(name, process, err);
    }

    void awaitListening(int port) {
      await(name + " listening on " + port)
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                assertThat(process.isAlive()).as(name + " exited: " + log()).isTrue();
                try (Socket socket = new Socket()) {
                  socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                  return true;
                } catch (IOException e) {
                  return false;
                }
              });
    }

    void awaitLog(String text) {
      await(name + " logging '" + text + "'")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> log().contains(text));
    }

    String log() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    /**
     * Every line of the log, each of which must be a JSON object with the fields every line has.
     */
    List<JsonNode> jsonLines() throws IOException {
      List<JsonNode> lines = new ArrayList<>();
      for (String text : log().split("\n")) {
        JsonNode line = JSON.readTree(text);
        assertThat(line.isObject()).as(name + ": " + text).isTrue();
        for (String field : List.of("time", "level", "logger", "message")) {
          assertThat(line.path(field).isTextual()).as(name + " " + field + ": " + text).isTrue();
        }
        lines.add(line);
      }
      assertThat(lines).as(name + " logged").isNotEmpty();
      return lines;
    }

    @Override
    public void close() throws InterruptedException {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
