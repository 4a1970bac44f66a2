package io.cuttle.dist;

import static io.cuttle.dist.CommandLineTest.cuttle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.client.ApiClient;
import io.cuttle.client.TaskFollower;
import io.cuttle.dist.CommandLineTest.Run;
import io.cuttle.router.RouterServer;
import io.cuttle.router.config.RouterFileParser;
import io.cuttle.server.CuttleServer;
import io.cuttle.server.ServerConfig;
import io.cuttle.server.data.NodeFiles;
import io.cuttle.server.data.TestPostgres;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TentacleView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server nodes on one real PostgreSQL database behind the standalone router, as
 * docs/high-availability.md describes them: a deployment keeps going when the node that started it
 * and the node holding a tentacle's connection both die mid-script, and when the first comes back
 * with its old view of the world. Every target's log arrives whole and no script runs twice.
 */
@Timeout(300)
class HighAvailabilityTest {
  private static final int LINES = 20;
  private static final List<String> TARGETS = List.of("web-1", "web-2", "web-3");

  @TempDir Path dir;
  @TempDir Path databaseFolder;
  private TestPostgres postgres;
  private TestFleet fleet;
  private final List<CuttleServer> nodes = new ArrayList<>();
  // Fixed per node, so the router's list stays right when a node comes back.
  private final int[] routedPollingPorts = {
    TestFleet.freePort(), TestFleet.freePort(), TestFleet.freePort()
  };
  private RouterServer router;

  @AfterEach
  void stopEverything() throws Exception {
    if (router != null) {
      router.close();
    }
    if (fleet != null) {
      fleet.close(); // its tentacles, and node 1
    }
    for (CuttleServer node : nodes.subList(Math.min(1, nodes.size()), nodes.size())) {
      node.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /** How every node is set up; only its name, data directory and ports differ. */
  private ServerConfig.Builder node(int number, ServerConfig.Builder b) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    return b.dataDirectory(dir.resolve("node-" + number))
        .nodeName("node-" + number)
        .database(postgres.jdbcUrl(), postgres.user(), null)
        .packageDirectory(dir.resolve("shared-packages"))
        .routedPollingAddress(new InetSocketAddress(loopback, routedPollingPorts[number - 1]))
        .trustedProxies(List.of("127.0.0.1"));
  }

  private CuttleServer startNode(int number) throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    // The same server identity and secrets key on every node, as the doc says: copied from the
    // first.
    NodeFiles.copyIdentity(dir.resolve("node-1"), dir.resolve("node-" + number));
    return CuttleServer.start(
        node(number, ServerConfig.builder())
            .publicAddress(new InetSocketAddress(loopback, TestFleet.freePort()))
            .legacyPollingAddress(new InetSocketAddress(loopback, TestFleet.freePort()))
            .pollWait(Duration.ofSeconds(5))
            .redeliverAfter(Duration.ofSeconds(2))
            .silenceTimeout(Duration.ofSeconds(30))
            .build());
  }

  private String routerYaml(int routerPort) {
    String polling =
        nodes.stream()
            .map(n -> "127.0.0.1:" + n.routedPollingPort())
            .collect(Collectors.joining(", "));
    String web =
        nodes.stream().map(n -> "127.0.0.1:" + n.publicPort()).collect(Collectors.joining(", "));
    return """
        listen: 127.0.0.1:%d
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
        .formatted(routerPort, polling, web);
  }

  private Run cli(String serverUrl, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--server",
            serverUrl,
            "--api-key",
            fleet.server.adminApiKey(),
            "--server-thumbprint",
            fleet.server.thumbprint().toString()));
    Run run = cuttle(all.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    return run;
  }

  private ApiClient api(CuttleServer node) {
    return ApiClient.connect(node.info().webUrl(), fleet.server.adminApiKey(), node.thumbprint());
  }

  @Test
  void aDeploymentFinishesWholeAndOnceWhenItsNodesDieMidway() throws Exception {
    postgres = TestPostgres.start(databaseFolder);
    fleet = new TestFleet(dir, b -> node(1, b));
    nodes.add(fleet.server);
    nodes.add(startNode(2));
    nodes.add(startNode(3));
    int routerPort = TestFleet.freePort();
    router =
        RouterServer.start(RouterFileParser.parse("router.yaml", routerYaml(routerPort)).router());
    String viaRouter = "https://localhost:" + routerPort;
    for (String name : TARGETS) {
      fleet.start(fleet.register(name, "https://polling.localhost:" + routerPort));
    }

    Path runs = dir.resolve("runs");
    Files.createDirectories(runs);
    Path project = dir.resolve("project.json");
    Files.writeString(
        project,
        """
        {"name": "long", "steps": [
          {"name": "slow", "roles": ["web"],
           "script": "echo slow >> '%1$s/'$CUTTLE_TENTACLE_NAME; for i in $(seq 1 %2$d); do echo \\"line $i\\"; sleep 1; done"},
          {"name": "after", "roles": ["web"],
           "script": "echo after >> '%1$s/'$CUTTLE_TENTACLE_NAME; echo after"}
        ]}
        """
            .formatted(runs, LINES));
    cli(viaRouter, "project", "create", "--file", project.toString());
    cli(viaRouter, "release", "create", "--project", "long", "--version", "1");
    // Started on node 1, whose orchestrator queues the first step.
    Run deploy =
        cli(
            fleet.server.info().webUrl(),
            "deploy",
            "--project",
            "long",
            "--release",
            "1",
            "--environment",
            "Test");
    String line =
        deploy.out().lines().filter(l -> l.startsWith("Deployment ")).findFirst().orElseThrow();
    String taskId = line.substring(line.indexOf("runs as task ") + "runs as task ".length()).trim();

    Map<String, String> idsByName;
    try (ApiClient api = api(fleet.server)) {
      idsByName =
          api.tentacles().stream().collect(Collectors.toMap(TentacleView::name, TentacleView::id));
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                fleet.task(taskId).targets().stream()
                    .filter(t -> t.stepIndex() == 0)
                    .allMatch(t -> t.state() == CommandState.RUNNING));
    // Kill node 1 (which started the deployment) and another node holding a running tentacle's
    // poll, a few lines into the scripts.
    int[] holder = new int[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (int n = 1; n < nodes.size(); n++) {
                CuttleServer node = nodes.get(n);
                if (idsByName.values().stream().anyMatch(node::holdsPollOf)) {
                  holder[0] = n;
                  return true;
                }
              }
              return false;
            });
    int survivor = 3 - holder[0]; // of nodes 2 and 3 (indexes 1 and 2), the one not killed
    fleet.server.close();
    nodes.get(holder[0]).close();

    // Node 1 comes back while the survivor carries the deployment on: both now sweep it.
    fleet.startServer();
    nodes.set(0, fleet.server);

    List<LogEntry> log = new ArrayList<>();
    try (ApiClient api = api(nodes.get(survivor))) {
      new TaskFollower(api).follow(taskId, log::add);
      assertThat(api.task(taskId).state()).isEqualTo(TaskState.SUCCEEDED);
    }
    List<String> expected = IntStream.rangeClosed(1, LINES).mapToObj(i -> "line " + i).toList();
    for (String name : TARGETS) {
      assertThat(log)
          .filteredOn(l -> l.tentacleName().equals(name) && "slow".equals(l.stepName()))
          .as("the first step's log of %s, whole and in order", name)
          .extracting(LogEntry::text)
          .containsExactlyElementsOf(expected);
      assertThat(Files.readAllLines(runs.resolve(name)))
          .as("each step's script ran once on %s", name)
          .containsExactly("slow", "after");
    }
  }
}
