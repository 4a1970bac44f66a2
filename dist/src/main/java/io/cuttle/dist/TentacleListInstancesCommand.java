package io.cuttle.dist;

import io.cuttle.tentacle.Instances;
import io.cuttle.tentacle.ServerLink;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.CommsStyle;
import io.cuttle.wire.api.Route;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "list-instances",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the tentacle instances on this machine and where each is registered: an instance "
          + "that polls several servers has one row per server."
    })
final class TentacleListInstancesCommand implements Callable<Integer> {
  private static final String ROW = "%-20s %-14s %-32s %-42s %s%n";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--home",
      description =
          "Folder holding all instances (default: $CUTTLE_HOME/tentacles or ~/.cuttle/tentacles).")
  Path base;

  @CommandLine.Mixin OutputOptions output;

  /** One instance for {@code --output json}: its servers with tentacle.json's field names. */
  record Row(
      String instance, String state, String thumbprint, List<Server> servers, String problem) {}

  record Server(
      String serverUrl,
      String pollingUrl,
      CommsStyle commsStyle,
      String tentacleId,
      String environment,
      List<String> roles) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<Instances.Summary> instances = Instances.list(base);
    if (output.printedAsJson(
        out, instances.stream().map(TentacleListInstancesCommand::row).toList())) {
      return 0;
    }
    Path root = base == null ? TentacleHome.defaultBase() : base;
    if (instances.isEmpty()) {
      out.println(
          "No tentacle instances in "
              + root.toAbsolutePath()
              + "; make one with 'cuttle tentacle create-instance --instance NAME'.");
      return 0;
    }
    out.printf(ROW, "INSTANCE", "STATE", "SERVER", "ROUTE", "THUMBPRINT");
    for (Instances.Summary s : instances) {
      TentacleConfig c = s.config();
      out.printf(
          ROW,
          s.home().instance(),
          state(s),
          c == null ? "-" : c.serverUrl(),
          c == null ? "-" : route(c.primaryServer()),
          s.thumbprint() == null ? "-" : s.thumbprint());
      if (c != null) {
        // Every further server on a row of its own, under its instance; same certificate.
        for (ServerLink server : c.additionalServers()) {
          out.printf(ROW, "", "registered", server.serverUrl(), route(server), "(same)");
        }
      }
      if (s.problem() != null) {
        // Parser messages run over several lines; the first says what is wrong.
        out.println("  problem: " + s.problem().lines().findFirst().orElse(""));
      }
    }
    return 0;
  }

  private static Row row(Instances.Summary s) {
    List<Server> servers = new ArrayList<>();
    if (s.config() != null) {
      servers.add(server(s.config().primaryServer()));
      s.config().additionalServers().forEach(link -> servers.add(server(link)));
    }
    return new Row(
        s.home().instance(),
        state(s),
        s.thumbprint() == null ? null : s.thumbprint().toString(),
        servers,
        s.problem());
  }

  private static Server server(ServerLink link) {
    return new Server(
        link.serverUrl(),
        link.pollingUrl(),
        link.commsStyle(),
        link.tentacleId(),
        link.environment(),
        link.roles());
  }

  private static String state(Instances.Summary s) {
    if (s.problem() != null) {
      return "broken";
    }
    if (s.config() == null) {
      return "not registered";
    }
    return s.config().registered() ? "registered" : "deregistered";
  }

  private static String route(ServerLink c) {
    String label = (c.commsStyle() == CommsStyle.LEGACY_PORT ? Route.LEGACY : Route.ROUTER).label();
    return label + " " + c.pollingUrl();
  }
}
