package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cuttle.router.RouterServer;
import io.cuttle.router.admin.RouterReloader;
import io.cuttle.router.config.RouterFile;
import io.cuttle.router.config.RouterFileParser;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.api.TaskState;
import io.cuttle.wire.api.TaskView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tentacles and a real server behind the standalone router run from a router.yaml, as an
 * operator would put it on port 443: a reload mid-script breaks nothing, and when a router is
 * drained its tentacles come back through the next one.
 */
@Timeout(180)
class StandaloneRouterTest {
  private static final String SLOW_SCRIPT =
      "for i in $(seq 1 30); do echo \"tick $i\"; sleep 0.1; done";

  private static String routerYaml(int routerPort, TestFleet fleet, String extraRoute) {
    return """
        listen: 127.0.0.1:%d
        upstreams:
          polling:
            endpoints: [127.0.0.1:%d]
            healthCheck: { interval: 1s }
          web:
            endpoints: [127.0.0.1:%d]
        routes:
          - name: polling
            sni: polling.localhost
            alpn: cuttle-polling
            polling: true
            upstream: polling
          - name: web
            default: true
            upstream: web
        %s"""
        .formatted(routerPort, fleet.legacyPort(), fleet.publicPort(), extraRoute);
  }

  private static List<String> ticks() {
    return IntStream.rangeClosed(1, 30).mapToObj(i -> "tick " + i).toList();
  }

  private static void assertRanEverywhere(TestFleet fleet, TaskView task, List<String> names)
      throws InterruptedException {
    List<LogEntry> lines = fleet.follow(task.id());
    TaskView finished = fleet.task(task.id());
    assertThat(finished.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(finished.targets())
        .allSatisfy(t -> assertThat(t.state()).isEqualTo(CommandState.SUCCEEDED));
    for (String name : names) {
      assertThat(lines)
          .filteredOn(l -> l.tentacleName().equals(name))
          .extracting(LogEntry::text)
          .containsExactlyElementsOf(ticks());
    }
  }

  @Test
  void aReloadDuringARunningScriptBreaksNothing(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      int routerPort = TestFleet.freePort();
      Path file = dir.resolve("router.yaml");
      Files.writeString(file, routerYaml(routerPort, fleet, ""));
      RouterFile config = RouterFileParser.read(file);
      try (RouterServer router = RouterServer.start(config.router())) {
        RouterReloader reloader = new RouterReloader(file, router, config);
        fleet.start(fleet.register("behind-router", "https://polling.localhost:" + routerPort));

        TaskView task = fleet.runScript(SLOW_SCRIPT, List.of("behind-router"), 60L);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> fleet.task(task.id()).targets().get(0).state() == CommandState.RUNNING);
        Files.writeString(
            file,
            routerYaml(
                routerPort,
                fleet,
                "  - { name: tenant, sni: '*.tenant.localhost', upstream: web }\n"));
        RouterReloader.Outcome outcome = reloader.reload();

        assertThat(outcome.applied()).as(outcome.message()).isTrue();
        assertThat(router.routes().toString()).contains("tenant");
        assertRanEverywhere(fleet, task, List.of("behind-router"));
        assertThat(router.metrics().routed("polling")).isPositive();
      }
    }
  }

  @Test
  void aDrainedRoutersTentaclesComeBackThroughTheNextOne(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      int routerPort = TestFleet.freePort();
      RouterFile config = RouterFileParser.parse("router.yaml", routerYaml(routerPort, fleet, ""));
      RouterServer first = RouterServer.start(config.router());
      List<String> names = List.of("t-1", "t-2", "t-3");
      for (String name : names) {
        fleet.start(fleet.register(name, "https://polling.localhost:" + routerPort));
      }
      assertRanEverywhere(fleet, fleet.runScript(SLOW_SCRIPT, names, 60L), names);

      // A rolling restart on one host: the old router stops accepting at once and drains its
      // tentacles' connections for a second; the new one takes the port meanwhile.
      CompletableFuture<Void> draining =
          CompletableFuture.runAsync(() -> first.closeGracefully(Duration.ofSeconds(1)));
      try (RouterServer second = Routers.startWhenPortIsFree(config)) {
        draining.get();
        assertRanEverywhere(fleet, fleet.runScript(SLOW_SCRIPT, names, 60L), names);
        assertThat(second.metrics().routed("polling")).isGreaterThanOrEqualTo(names.size());
      }
    }
  }

  @Test
  void withProxyProtocolTheServerLearnsTheDoorFromTheRoutersHeader(@TempDir Path dir)
      throws Exception {
    try (TestFleet fleet =
        new TestFleet(
            dir,
            b ->
                b.routedPollingAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .trustedProxies(List.of("127.0.0.1")))) {
      int routerPort = TestFleet.freePort();
      String yaml =
          """
          listen: 127.0.0.1:%d
          upstreams:
            polling: { endpoints: [127.0.0.1:%d], proxyProtocol: true }
          routes:
            - { name: polling, sni: polling.localhost, polling: true, upstream: polling }
          """
              .formatted(routerPort, fleet.server.routedPollingPort());
      try (RouterServer router =
          RouterServer.start(RouterFileParser.parse("router.yaml", yaml).router())) {
        fleet.start(fleet.register("proxied", "https://polling.localhost:" + routerPort));

        assertRanEverywhere(
            fleet, fleet.runScript(SLOW_SCRIPT, List.of("proxied"), 60L), List.of("proxied"));

        try (var api = fleet.api()) {
          var view =
              api.tentacles().stream().filter(t -> t.name().equals("proxied")).findFirst().get();
          assertThat(view.route()).isEqualTo(Route.ROUTER);
          assertThat(view.address()).isEqualTo("127.0.0.1");
        }
        assertThat(router.metrics().routed("polling")).isPositive();
        // The server's metrics tell this door from the built-in router's.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    fleet.metrics().get("cuttle_tentacles_connected{route=\"external_router\"}")
                        == 1);
        assertThat(fleet.metrics().get("cuttle_tentacles_connected{route=\"builtin_router\"}"))
            .isZero();
      }
    }
  }
}
