package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.client.TaskFollower;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.server.data.NodeFiles;
import io.cuttle.server.data.PostgresPerClass;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.testkit.ExternalProcess;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code cuttle server} processes on one real PostgreSQL database behind a {@code cuttle
 * router} process, as docs/high-availability.md sets them up. Mid-deployment the node that started
 * it and a node carrying tentacles' connections are killed with SIGKILL, and the first comes back
 * on its old data directory while the scripts still run. The deployment finishes, every target's
 * log is whole, and every script ran exactly once.
 */
// Five JVMs and a database on what may be a busy machine: generous, as the bounds inside are.
@Timeout(420)
class HighAvailabilityKillTest {
  @RegisterExtension static final PostgresPerClass POSTGRES = new PostgresPerClass();

  private static final int LINES = 20;

  /** The scripts wait at this line until the test has restarted the killed node. */
  private static final int GATE_LINE = 10;

  private static final List<String> TARGETS = List.of("web-1", "web-2", "web-3");
  private static final Pattern ENDPOINT_CONNECTIONS =
      Pattern.compile(
          "^cuttle_router_upstream_endpoint_connections_active\\{endpoint=\"127\\.0\\.0\\.1:(\\d+)\"}"
              + " (\\S+)$",
          Pattern.MULTILINE);

  /**
   * Five JVMs start here, often on a busy machine: the quick compiler alone and one GC thread cut
   * each start's CPU time by more than half, and these processes never run long enough to gain from
   * more.
   */
  private static final List<String> QUICK_START =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  @TempDir Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private final List<AutoCloseable> running = new ArrayList<>();
  private String apiKey;
  private Thumbprint thumbprint;

  /** One server node: fixed ports and data directory, so it comes back as it was. */
  private final class Node {
    final int number;
    final int publicPort = TestFleet.freePort();
    final int legacyPort = TestFleet.freePort();
    final int routedPollingPort = TestFleet.freePort();
    ExternalProcess process;
    int lives;

    Node(int number) {
      this.number = number;
    }

    Path data() {
      return dir.resolve("node-" + number);
    }

    String webUrl() {
      return "https://localhost:" + publicPort;
    }

    void start() throws IOException {
      lives++;
      process =
          CuttleProcess.start(
              "node-" + number,
              dir.resolve("node-" + number + "-life-" + lives + ".log"),
              "256m",
              QUICK_START,
              "server",
              "--data",
              data().toString(),
              "--bind",
              "127.0.0.1",
              "--port",
              Integer.toString(publicPort),
              "--admin-address",
              "127.0.0.1:0",
              "--legacy-port",
              Integer.toString(legacyPort),
              "--routed-polling-port",
              Integer.toString(routedPollingPort),
              "--trusted-proxy",
              "127.0.0.1",
              "--db",
              POSTGRES.server().jdbcUrl(),
              "--db-user",
              POSTGRES.server().user(),
              "--node-name",
              "node-" + number,
              "--package-dir",
              dir.resolve("shared-packages").toString(),
              // A scheduled health check would be one more command in the tentacles' journals.
              "--health-check-interval-seconds",
              "0");
      running.add(process);
    }

    /**
     * Waits until the node answers an API call. Its first TLS handshakes are slow on a busy
     * machine, slower than a client's patience with one; here they may take their time.
     */
    void awaitAnswering() {
      await("node-" + number + " answering")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(
              () -> {
                try (ApiClient api = ApiClient.connect(webUrl(), apiKey, thumbprint)) {
                  return api.serverInfo() != null;
                }
              });
    }

    /** SIGKILL to the server's JVM itself, not to a launcher in front of it. */
    void kill() throws InterruptedException {
      ProcessHandle handle = process.handle();
      assertThat(handle.info().command())
          .as("node-%d's process is the JVM", number)
          .hasValueSatisfying(
              command -> assertThat(Path.of(command).getFileName()).hasToString("java"));
      assertThat(handle.descendants()).as("node-%d runs no child processes", number).isEmpty();
      process.kill();
    }
  }

  /**
   * Stops every process and tentacle, newest first; one failing to stop does not spare the rest.
   */
  @AfterEach
  void stopEverything() throws Exception {
    Collections.reverse(running);
    Exception failure = null;
    for (AutoCloseable each : running) {
      try {
        each.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Test
  void aDeploymentFinishesWholeAndOnceWhenItsNodesAreKilledMidway() throws Exception {
    startNodes();
    Node first = nodes.get(0);
    int routerPort = TestFleet.freePort();
    int adminPort = TestFleet.freePort();
    startRouter(routerPort, adminPort);
    String viaRouter = "https://localhost:" + routerPort;
    Path tentacles = dir.resolve("tentacles");
    startTentacles(viaRouter, "https://polling.localhost:" + routerPort, tentacles);

    Path runs = Files.createDirectories(dir.resolve("runs"));
    Path gate = dir.resolve("gate");
    String taskId = deployLongProject(viaRouter, first, runs, gate);

    // A few lines into every script, kill the node that started the deployment and another that
    // carries tentacles' connections.
    await("every script a few lines in")
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> TARGETS.stream().allMatch(name -> storedLines(first, taskId, name).size() >= 3));
    Node holder =
        await("a node besides node-1 carrying a tentacle's connection")
            .atMost(Duration.ofSeconds(30))
            .until(() -> connectionCarrier(adminPort), n -> n != null);
    Node survivor = nodes.get(1) == holder ? nodes.get(2) : nodes.get(1);
    first.kill();
    holder.kill();

    // The node that started the deployment comes back on its old data directory while the scripts
    // still wait at the gate; then all three run on.
    first.start();
    first.process.awaitListening(first.publicPort);
    first.awaitAnswering();
    List<LogEntry> log = new ArrayList<>();
    TaskView finished;
    try (ApiClient api = ApiClient.connect(survivor.webUrl(), apiKey, thumbprint)) {
      assertThat(api.task(taskId).state())
          .as("the deployment, when node-1 is back")
          .isEqualTo(TaskState.RUNNING);
      Files.createFile(gate);
      new TaskFollower(api).follow(taskId, log::add);
      finished = api.task(taskId);
    }
    assertThat(finished.state()).as(describe(finished)).isEqualTo(TaskState.SUCCEEDED);
    List<String> expected = IntStream.rangeClosed(1, LINES).mapToObj(i -> "line " + i).toList();
    for (String name : TARGETS) {
      assertThat(log)
          .filteredOn(l -> l.tentacleName().equals(name) && "slow".equals(l.stepName()))
          .as("the first step's log of %s, whole and in order", name)
          .extracting(LogEntry::text)
          .containsExactlyElementsOf(expected);
      assertThat(Files.readAllLines(runs.resolve(name)))
          .as("each step's script started once on %s", name)
          .containsExactly("slow", "after");
      assertThat(journalStarts(TentacleHome.of(name, tentacles)))
          .as("%s's journal holds the deployment's commands, each once, and nothing else", name)
          .containsExactlyInAnyOrderElementsOf(
              finished.targets().stream()
                  .filter(t -> t.tentacleName().equals(name))
                  .map(TargetView::commandId)
                  .toList());
    }
    for (Node node : nodes) {
      for (int life = 1; life <= node.lives; life++) {
        Path serverLog = dir.resolve("node-" + node.number + "-life-" + life + ".log");
        assertThat(Files.readAllLines(serverLog))
            .as("errors logged by node-%d in life %d", node.number, life)
            .filteredOn(line -> line.contains(" ERROR "))
            .isEmpty();
      }
    }
  }

  /** Node 1 first, which makes the identity and secrets key; then the others with copies. */
  private void startNodes() throws Exception {
    for (int number = 1; number <= 3; number++) {
      nodes.add(new Node(number));
    }
    Node first = nodes.get(0);
    first.start();
    first.process.awaitListening(first.publicPort);
    apiKey = Files.readString(first.data().resolve("admin-api-key")).strip();
    thumbprint = PemFiles.read(first.data().resolve("identity")).thumbprint();
    for (Node other : nodes.subList(1, 3)) {
      NodeFiles.copyIdentity(first.data(), other.data());
      other.start();
    }
    for (Node other : nodes.subList(1, 3)) {
      other.process.awaitListening(other.publicPort);
    }
    for (Node node : nodes) {
      node.awaitAnswering();
    }
  }

  private void startRouter(int routerPort, int adminPort) throws Exception {
    Path routerFile =
        Files.writeString(dir.resolve("router.yaml"), routerYaml(routerPort, adminPort));
    ExternalProcess router =
        CuttleProcess.start(
            "router",
            dir.resolve("router.log"),
            "128m",
            QUICK_START,
            "router",
            "--config",
            routerFile.toString());
    running.add(router);
    router.awaitListening(routerPort);
  }

  /** Registers each target through the router, then runs it polling through the router. */
  private void startTentacles(String viaRouter, String pollingUrl, Path tentacles)
      throws IOException {
    for (String name : TARGETS) {
      cli(
          viaRouter,
          "tentacle",
          "register",
          "--instance",
          name,
          "--home",
          tentacles.toString(),
          "--comms-address",
          pollingUrl,
          "--environment",
          "Test",
          "--role",
          "web");
      running.add(TentacleAgent.start(TentacleHome.of(name, tentacles)));
    }
  }

  /** Creates the project through the router, deploys it on node-1, returns the task's id. */
  private String deployLongProject(String viaRouter, Node first, Path runs, Path gate)
      throws IOException {
    // Each script notes its start in a file per target (a second run would add a line), writes
    // numbered lines, and halfway waits (bounded) for the test to open the gate.
    String slow =
        ("echo slow >> '%1$s/'$CUTTLE_TENTACLE_NAME; for i in $(seq 1 %2$d); do echo \\\"line $i\\\";"
                + " if [ $i -eq %3$d ]; then for w in $(seq 1 600); do [ -e '%4$s' ] && break;"
                + " sleep 0.2; done; fi; sleep 0.5; done")
            .formatted(runs, LINES, GATE_LINE, gate);
    Path project = dir.resolve("project.json");
    Files.writeString(
        project,
        """
        {"name": "long", "steps": [
          {"name": "slow", "roles": ["web"], "script": "%s"},
          {"name": "after", "roles": ["web"],
           "script": "echo after >> '%s/'$CUTTLE_TENTACLE_NAME; echo after"}
        ]}
        """
            .formatted(slow, runs));
    cli(viaRouter, "project", "create", "--file", project.toString());
    cli(viaRouter, "release", "create", "--project", "long", "--version", "1");
    Run deploy =
        cli(
            first.webUrl(),
            "deploy",
            "--project",
            "long",
            "--release",
            "1",
            "--environment",
            "Test");
    String line =
        deploy.out().lines().filter(l -> l.startsWith("Deployment ")).findFirst().orElseThrow();
    return line.substring(line.indexOf("runs as task ") + "runs as task ".length()).trim();
  }

  private Run cli(String serverUrl, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--server",
            serverUrl,
            "--api-key",
            apiKey,
            "--server-thumbprint",
            thumbprint.toString()));
    Run run = cuttle(all.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    return run;
  }

  private List<String> storedLines(Node node, String taskId, String tentacle) {
    try (ApiClient api = ApiClient.connect(node.webUrl(), apiKey, thumbprint)) {
      return api.log(taskId, 0).lines().stream()
          .filter(l -> l.tentacleName().equals(tentacle))
          .map(LogEntry::text)
          .toList();
    }
  }

  /** Node 2 or 3 if the router relays a tentacle's connection to it now, else null. */
  private Node connectionCarrier(int adminPort) throws Exception {
    Matcher matcher = ENDPOINT_CONNECTIONS.matcher(metrics(adminPort));
    while (matcher.find()) {
      int port = Integer.parseInt(matcher.group(1));
      if (Double.parseDouble(matcher.group(2)) > 0) {
        for (Node node : nodes.subList(1, 3)) {
          if (node.routedPollingPort == port) {
            return node;
          }
        }
      }
    }
    return null;
  }

  private static String metrics(int adminPort) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The command ids the tentacle's journal marked started, in every server's journal folder. */
  private static List<String> journalStarts(TentacleHome home) throws IOException {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> folders = Files.list(home.directory())) {
      for (Path folder :
          folders.filter(f -> f.getFileName().toString().startsWith("journal")).toList()) {
        try (Stream<Path> files = Files.list(folder)) {
          files
              .map(f -> f.getFileName().toString())
              .filter(f -> f.endsWith(".started"))
              .map(f -> f.substring(0, f.length() - ".started".length()))
              .forEach(ids::add);
        }
      }
    }
    return ids;
  }

  private String routerYaml(int routerPort, int adminPort) {
    String polling =
        nodes.stream()
            .map(n -> "127.0.0.1:" + n.routedPollingPort)
            .collect(Collectors.joining(", "));
    String web =
        nodes.stream().map(n -> "127.0.0.1:" + n.publicPort).collect(Collectors.joining(", "));
    return """
        listen: 127.0.0.1:%d
        admin: 127.0.0.1:%d
        upstreams:
          polling:
            endpoints: [%s]
            proxyProtocol: true
            balance: least-connections
            healthCheck: { interval: 1s }
          web:
            endpoints: [%s]
            healthCheck: { interval: 1s }
        routes:
          - { name: polling, sni: polling.localhost, alpn: cuttle-polling, polling: true, upstream: polling }
          - { name: web, default: true, upstream: web }
        """
        .formatted(routerPort, adminPort, polling, web);
  }

  private static String describe(TaskView task) {
    return task.targets().stream()
        .map(t -> t.tentacleName() + " " + t.stepName() + " " + t.state() + " " + t.message())
        .collect(Collectors.joining("\n"));
  }
}
