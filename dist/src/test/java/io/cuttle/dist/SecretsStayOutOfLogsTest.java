package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.client.TaskFollower;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.testkit.ExternalProcess;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.DeployRequest;
import io.cuttle.wire.api.DeploymentView;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.VariableRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * API keys, passwords and sensitive variables never reach a log or an error message: a server and a
 * tentacle run as processes of their own through a full flow that uses known secrets — the
 * bootstrap admin key, the first admin's password, a user's password (signing in, and failing to),
 * a sensitive variable a deployment's script prints — and then every log file, every process's
 * output and every answer the clients got is searched for each secret, with the log written as text
 * and as JSON (whose escaping could otherwise hide a secret from a plain search: the secrets here
 * have nothing JSON escapes).
 */
@Timeout(300)
class SecretsStayOutOfLogsTest {
  private static final String USER_PASSWORD = "user-pa55word-7f3e91";
  private static final String SENSITIVE_VALUE = "sensitive-value-c0ffee42";

  @TempDir Path dir;
  private final List<String> answers = new ArrayList<>();

  @ParameterizedTest(name = "--log-format {0}")
  @ValueSource(strings = {"text", "json"})
  void noSecretAppearsInAnyLogOutputOrErrorOfAFullRun(String logFormat) throws Exception {
    int port = TestFleet.freePort();
    int legacyPort = TestFleet.freePort();
    Path data = dir.resolve("data");
    Map<String, String> secrets = new LinkedHashMap<>();
    List<String> texts = new ArrayList<>();
    try (ExternalProcess server =
        CuttleProcess.start(
            "server",
            dir.resolve("server.log"),
            "256m",
            "server",
            "--log-format",
            logFormat,
            "--data",
            data.toString(),
            "--bind",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--admin-address",
            "127.0.0.1:0",
            "--legacy-port",
            Integer.toString(legacyPort))) {
      server.awaitListening(port);
      String apiKey = Files.readString(data.resolve("admin-api-key")).strip();
      secrets.put("bootstrap API key", apiKey);
      secrets.put(
          "first admin's password", Files.readString(data.resolve("admin-password")).strip());
      secrets.put("user's password", USER_PASSWORD);
      secrets.put("sensitive variable", SENSITIVE_VALUE);
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
      texts.add(register.out() + register.err());

      try (ExternalProcess tentacle =
              CuttleProcess.start(
                  "tentacle",
                  dir.resolve("tentacle.log"),
                  "128m",
                  "tentacle",
                  "run",
                  "--log-format",
                  logFormat,
                  "--instance",
                  "web-1",
                  "--home",
                  dir.resolve("tentacles").toString());
          ApiClient api = ApiClient.connect(webUrl, apiKey, thumbprint)) {
        await("the tentacle connected")
            .atMost(Duration.ofSeconds(120))
            .until(() -> tentacle.output().contains("connected to"));

        signInAndFail(port);
        List<LogEntry> log = deploySensitiveVariable(api);

        assertThat(log).extracting(LogEntry::text).contains("the value is ********");
        log.forEach(line -> texts.add(line.text()));
      }
    }

    texts.addAll(answers);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        texts.add(Files.readString(file, StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(texts).as("logs were written").hasSizeGreaterThan(4);
    String everything = String.join("\n", texts);
    assertThat(everything).contains("connected to");
    if (logFormat.equals("json")) {
      assertThat(everything).as("the log as JSON").contains("{\"time\":");
    }
    secrets.forEach(
        (what, secret) ->
            assertThat(everything)
                .as("the " + what + " in a log or answer")
                .doesNotContain(secret));
  }

  /** A user made, signed in, then a wrong password, an unknown user and a refused request. */
  private void signInAndFail(int port) throws Exception {
    String key = Files.readString(dir.resolve("data").resolve("admin-api-key")).strip();
    String base = "https://localhost:" + port;
    curl(201, "POST", base + "/api/users", key, user("alice", USER_PASSWORD));
    curl(200, "POST", base + "/api/login", null, login("alice", USER_PASSWORD));
    curl(401, "POST", base + "/api/login", null, login("alice", USER_PASSWORD + "-wrong"));
    curl(401, "POST", base + "/api/login", null, login("mallory", USER_PASSWORD));
    curl(400, "POST", base + "/api/users", key, user("not a valid name!", USER_PASSWORD));
    curl(401, "GET", base + "/api/tasks", key + "x", null);
  }

  private List<LogEntry> deploySensitiveVariable(ApiClient api) throws InterruptedException {
    api.createProject(
        new ProjectRequest(
            "shop",
            "",
            List.of(
                new StepSpec(
                    "show",
                    "script",
                    List.of(),
                    null,
                    "bash",
                    "echo \"the value is $DB_PASSWORD\"; echo \"$DB_PASSWORD\" >&2",
                    null,
                    null,
                    null))));
    api.addVariable("shop", new VariableRequest("DB_PASSWORD", SENSITIVE_VALUE, true, null, null));
    api.createRelease("shop", new CreateReleaseRequest("1", Map.of()));
    DeploymentView deployment = api.deploy(new DeployRequest("shop", "1", "Test"));
    List<LogEntry> log = new ArrayList<>();
    assertThat(new TaskFollower(api).follow(deployment.taskId(), log::add).state())
        .isEqualTo(TaskState.SUCCEEDED);
    return log;
  }

  private void curl(int expectedStatus, String method, String url, String key, String body)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--insecure",
                "--max-time",
                "30",
                "-w",
                "\n%{http_code}",
                "-X",
                method));
    if (key != null) {
      command.addAll(List.of("-H", "Authorization: Bearer " + key));
    }
    if (body != null) {
      command.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
    }
    command.add(url);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output.strip()).as(method + " " + url).endsWith("\n" + expectedStatus);
    answers.add(output);
  }

  private static String user(String name, String password) {
    return "{\"name\":\"" + name + "\",\"password\":\"" + password + "\",\"role\":\"viewer\"}";
  }

  private static String login(String name, String password) {
    return "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}";
  }
}
