package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.server.CuttleServer;
import io.cuttle.server.ServerConfig;
import io.cuttle.tentacle.Registration;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.tentacle.TentacleProxy;
import io.cuttle.wire.api.RunScriptRequest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a server with its built-in router and three tentacles on this machine (two "
          + "polling through the public port by SNI, one through the legacy port), runs one script on "
          + "all of them and leaves the web UI up."
    })
final class DemoCommand implements Callable<Integer> {
  static final String SCRIPT =
      String.join(
          "\n",
          "echo \"Hello from $CUTTLE_TENTACLE_NAME on $(uname -n)\"",
          "echo \"Environment $CUTTLE_ENVIRONMENT, task $CUTTLE_TASK_ID\"",
          "for step in 1 2 3; do echo \"Deploying step $step of 3\"; sleep 0.2; done",
          "echo \"Working folder: $PWD\"",
          "echo 'Done.'");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--exit",
      description = "Stop everything after the run; exit non-zero if any target failed.")
  boolean exit;

  @Option(
      names = "--data",
      description = "Data directory (default: ${DEFAULT-VALUE}).",
      defaultValue = "cuttle-data")
  Path data;

  @Option(
      names = "--port",
      description = "Public port (default: ${DEFAULT-VALUE}).",
      defaultValue = "8443")
  int port;

  @Option(
      names = "--legacy-port",
      description = "Legacy polling port (default: ${DEFAULT-VALUE}).",
      defaultValue = "10943")
  int legacyPort;

  @Option(names = "--verbose", description = "Show the server's and tentacles' log lines too.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (!verbose) {
      // The demo's own output tells the story; routine log lines would bury it.
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.cuttle"))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "Starting the Cuttle demo: a server with its built-in router, and three tentacles on this machine.");
    out.flush();
    ServerConfig config =
        ServerCommand.config(data, "localhost", "127.0.0.1", port, legacyPort)
            // Any free port: the demo must not collide with a real server's admin port.
            .adminAddress(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))
            .build();
    CuttleServer server = CuttleServer.start(config);
    List<TentacleAgent> agents = new ArrayList<>();
    Runnable stopAll =
        () -> {
          agents.forEach(TentacleAgent::close);
          server.close();
        };
    boolean succeeded;
    try {
      ServerCommand.printBanner(out, server);
      var info = server.info();
      List<DemoTentacle> fleet =
          List.of(
              new DemoTentacle("demo-web-1", info.pollingUrl(), null),
              new DemoTentacle("demo-web-2", info.pollingUrl(), null),
              new DemoTentacle("demo-legacy", null, server.legacyPollingPort()));
      out.println();
      for (DemoTentacle t : fleet) {
        TentacleHome home = TentacleHome.of(t.name(), data.resolve("demo-tentacles"));
        Registration.register(
            new Registration.Request(
                home,
                t.name(),
                info.webUrl(),
                server.adminApiKey(),
                t.commsAddress(),
                t.commsPort(),
                "Demo",
                List.of("web"),
                server.thumbprint(),
                true,
                // On this machine: an HTTPS_PROXY in the environment has no say.
                TentacleProxy.direct()));
        agents.add(TentacleAgent.start(home));
        out.println(
            "Tentacle "
                + t.name()
                + " registered, polling "
                + (t.commsAddress() != null
                    ? t.commsAddress() + " via router (by SNI)"
                    : "via legacy port " + t.commsPort()));
      }
      out.println();
      out.flush();
      try (ApiClient api =
          ApiClient.connect(info.webUrl(), server.adminApiKey(), server.thumbprint())) {
        var task =
            api.runScript(
                new RunScriptRequest(
                    SCRIPT,
                    "bash",
                    "Demo",
                    List.of(),
                    fleet.stream().map(DemoTentacle::name).toList(),
                    60L,
                    null));
        succeeded = new TaskPrinter(api, out).follow(task);
      }
    } catch (Exception e) {
      stopAll.run();
      throw e;
    }
    if (exit) {
      stopAll.run();
      return succeeded ? 0 : 1;
    }
    out.println();
    out.println(
        "The web UI stays up: "
            + server.info().webUrl()
            + "/ (sign in as 'admin' with the password in "
            + server.adminPasswordFile()
            + ")");
    out.println(
        "(your browser will warn about the self-signed certificate; its thumbprint is "
            + server.thumbprint()
            + ")");
    out.println("Press Ctrl-C to stop.");
    out.flush();
    UntilStopped.await(stopAll);
    return succeeded ? 0 : 1;
  }

  private record DemoTentacle(String name, String commsAddress, Integer commsPort) {}
}
