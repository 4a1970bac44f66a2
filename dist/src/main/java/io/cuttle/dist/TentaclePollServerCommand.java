package io.cuttle.dist;

import io.cuttle.tentacle.Registration;
import io.cuttle.tentacle.ServerLink;
import io.cuttle.tentacle.TentacleConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "poll-server",
    mixinStandardHelpOptions = true,
    description = {
      "Registers an instance that is already registered with one more server, with the same "
          + "certificate, and pins that server's polling thumbprint.",
      "'cuttle tentacle run' then polls all of its servers at once. A running instance picks "
          + "the change up when restarted."
    })
final class TentaclePollServerCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Option(
      names = "--name",
      description = "Name shown on that server (default: the name on the first server).")
  String name;

  @CommandLine.Mixin ServerOptions server;

  @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
  TentacleCommand.Register.Comms comms;

  @Option(
      names = "--environment",
      required = true,
      description = "Environment this target belongs to on that server.")
  String environment;

  @Option(
      names = "--role",
      arity = "1..*",
      description = "Roles of this target on that server (repeatable).")
  List<String> roles = List.of();

  @Option(
      names = "--force",
      description = {
        "Register with a server this instance polls already, replacing what is on file for it, "
            + "and replace a registration of the same name there with this certificate."
      })
  boolean force;

  @Option(
      names = "--token",
      description = {
        "One-time registration token from that server's admin, instead of an API key."
      })
  String token;

  @Override
  public Integer call() throws Exception {
    String credential = TentacleCommand.Register.credential(spec, server, token);
    String shownName = name != null ? name : TentacleConfig.load(instance.home()).name();
    ServerLink link =
        Registration.addServer(
            new Registration.Request(
                instance.home(),
                shownName,
                server.url,
                credential,
                comms.address,
                comms.port,
                environment,
                roles,
                server.thumbprint(),
                force,
                null));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "Registered tentacle '"
            + link.name()
            + "' ("
            + link.tentacleId()
            + ") with "
            + link.serverUrl()
            + " as well.");
    out.println("  Polls:             " + link.pollingUrl());
    out.println("  Pinned server:     " + link.serverThumbprint());
    out.println(
        "Restart '"
            + instance.runCommand()
            + "' (or its service) to poll it; it polls every server it is registered with.");
    return 0;
  }
}
