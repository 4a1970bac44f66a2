package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.common.text.TerminalText;
import io.cuttle.wire.api.HealthCheckRequest;
import io.cuttle.wire.api.HealthCheckStarted;
import io.cuttle.wire.api.TentacleStatus;
import io.cuttle.wire.api.TentacleView;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = "Sees and checks the registered tentacles, from the server's side.",
    subcommands = {FleetCommand.ListTentacles.class, FleetCommand.HealthCheck.class})
final class FleetCommand extends CommandGroup {
  /**
   * One line per tentacle: name, status, version, route and address, and what is wrong. What a
   * tentacle reported (its version, health details, words in the problem) is escaped with {@link
   * TerminalText}, so it cannot drive the terminal or add lines of its own.
   */
  static void print(PrintWriter out, List<TentacleView> tentacles) {
    int width = tentacles.stream().mapToInt(t -> shown(t.name()).length()).max().orElse(0);
    for (TentacleView t : tentacles) {
      out.printf(
          "%-" + width + "s  %-9s  %-14s  %s%n",
          shown(t.name()),
          t.status(),
          t.version() == null ? "version ?" : "version " + shown(t.version()),
          (t.route() == null ? "never polled" : t.route().label() + " from " + shown(t.address()))
              + (t.lastSeenMillis() == null
                  ? ""
                  : ", last contact " + Instant.ofEpochMilli(t.lastSeenMillis())));
      if (t.problem() != null) {
        out.println("    " + shown(t.problem()));
      }
      if (t.lastHealthCheck() != null && t.lastHealthCheck().details() != null) {
        out.println("    last health check: " + shown(t.lastHealthCheck().details()));
      }
    }
    out.flush();
  }

  private static String shown(String tentacleSupplied) {
    return TerminalText.field(tentacleSupplied);
  }

  private static String names(List<String> names) {
    return String.join(", ", names.stream().map(FleetCommand::shown).toList());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Lists the registered tentacles: ONLINE, OFFLINE (not in contact lately) or UNHEALTHY "
            + "(its last health check failed or found a problem, or it is older than the server's "
            + "minimum version), each with the reason."
      })
  static final class ListTentacles extends ApiCommand {
    @CommandLine.Mixin OutputOptions output;

    @Override
    void run(ApiClient api, PrintWriter out) {
      List<TentacleView> tentacles = api.tentacles();
      if (!output.printedAsJson(out, tentacles)) {
        print(out, tentacles);
      }
    }
  }

  @Command(
      name = "health-check",
      mixinStandardHelpOptions = true,
      description = {
        "Health-checks the named tentacles (none named: all that match the filters), waits for "
            + "the results and prints each tentacle's status.",
        "A check runs beside any script. Exits 0 only if every tentacle checked is ONLINE."
      })
  static final class HealthCheck implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Parameters(arity = "0..*", paramLabel = "TENTACLE", description = "Tentacles to check.")
    List<String> names = new ArrayList<>();

    @Option(names = "--environment", description = "Only tentacles in this environment.")
    String environment;

    @Option(names = "--role", description = "Only tentacles with this role; repeat for several.")
    List<String> roles = new ArrayList<>();

    @Option(
        names = "--wait-seconds",
        paramLabel = "SECONDS",
        description = "How long to wait for the results (default: ${DEFAULT-VALUE}; 0: do not).",
        defaultValue = "120")
    long waitSeconds;

    @Override
    public Integer call() throws InterruptedException {
      if (waitSeconds < 0) {
        throw new IllegalArgumentException("--wait-seconds: " + waitSeconds + " (expected: >= 0)");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (ApiClient api = server.connect()) {
        HealthCheckStarted started =
            api.checkHealth(new HealthCheckRequest(environment, roles, names));
        if (started.taskId() != null) {
          out.println("Task " + started.taskId() + ": health check of " + names(started.queued()));
        }
        if (!started.alreadyPending().isEmpty()) {
          out.println(
              "Already being checked (not queued twice): " + names(started.alreadyPending()));
        }
        if (!started.notCapable().isEmpty()) {
          out.println(
              "Too old to run health checks (their health is whether they are online): "
                  + names(started.notCapable()));
        }
        List<String> checked = new ArrayList<>(started.queued());
        checked.addAll(started.alreadyPending());
        checked.addAll(started.notCapable());
        if (waitSeconds == 0) {
          out.flush();
          return 0;
        }
        List<TentacleView> results = awaitResults(api, checked, Duration.ofSeconds(waitSeconds));
        print(out, results);
        List<String> stillPending =
            results.stream()
                .filter(TentacleView::healthCheckPending)
                .map(TentacleView::name)
                .toList();
        if (!stillPending.isEmpty()) {
          out.println(
              "No result yet after "
                  + waitSeconds
                  + " s from: "
                  + names(stillPending)
                  + "; they show their last check. See them later with 'cuttle fleet list'.");
        }
        out.flush();
        return results.stream().allMatch(t -> t.status() == TentacleStatus.ONLINE)
                && stillPending.isEmpty()
            ? 0
            : 1;
      }
    }

    private static List<TentacleView> awaitResults(ApiClient api, List<String> names, Duration wait)
        throws InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        List<TentacleView> views = names.stream().map(api::tentacle).toList();
        if (views.stream().noneMatch(TentacleView::healthCheckPending)
            || System.nanoTime() - deadline >= 0) {
          return views;
        }
        Thread.sleep(500);
      }
    }
  }
}
