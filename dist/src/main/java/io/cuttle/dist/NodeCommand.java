package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.NodeView;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Sees the server nodes that share the server's database.",
    subcommands = {NodeCommand.ListNodes.class})
final class NodeCommand extends CommandGroup {
  /** One line per node: name, status, version, address, load, and when it started and was seen. */
  static void print(PrintWriter out, List<NodeView> nodes) {
    int width = nodes.stream().mapToInt(n -> n.name().length()).max().orElse(0);
    int versionWidth = nodes.stream().mapToInt(n -> n.version().length()).max().orElse(0);
    int addressWidth = nodes.stream().mapToInt(n -> n.address().length()).max().orElse(0);
    for (NodeView n : nodes) {
      out.printf(
          "%s %-"
              + width
              + "s  %-7s  version %-"
              + versionWidth
              + "s  %-"
              + addressWidth
              + "s  %s%n",
          n.thisNode() ? "*" : " ",
          n.name(),
          n.online() ? "ONLINE" : "OFFLINE",
          n.version(),
          n.address(),
          n.tentaclesPolling()
              + " tentacles polling ("
              + n.heldPolls()
              + " polls), started "
              + Instant.ofEpochMilli(n.startedMillis())
              + ", last seen "
              + Instant.ofEpochMilli(n.lastSeenMillis()));
    }
    out.println("* answered this request");
    out.flush();
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Lists the server nodes using the database: ONLINE, or OFFLINE when a node has not been "
            + "seen for three of its heartbeats (stopped, or cut off from the database).",
        "The node that answered is marked with '*'."
      })
  static final class ListNodes extends ApiCommand {
    @CommandLine.Mixin OutputOptions output;

    @Override
    void run(ApiClient api, PrintWriter out) {
      List<NodeView> nodes = api.nodes();
      if (!output.printedAsJson(out, nodes)) {
        print(out, nodes);
      }
    }
  }
}
