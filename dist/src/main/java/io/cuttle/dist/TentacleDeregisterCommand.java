package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.client.ApiException;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.tentacle.Instances;
import io.cuttle.tentacle.ServerLink;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.DeregisterTentacleResponse;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "deregister",
    mixinStandardHelpOptions = true,
    description = {
      "Removes this instance's tentacle from every server it is registered with (or only from "
          + "--server), then notes that here.",
      "Its key, certificate and history stay."
    })
final class TentacleDeregisterCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Option(
      names = "--server",
      description = {
        "Leave only this server (its web URL, as given to register or poll-server); the instance "
            + "keeps polling the others."
      })
  String serverUrl;

  @Option(
      names = "--api-key",
      description =
          "API key (default: the CUTTLE_API_KEY environment variable). Used with every server"
              + " left: use --server for servers that need different keys.",
      defaultValue = "${env:CUTTLE_API_KEY}")
  String apiKey;

  @Option(
      names = "--server-thumbprint",
      description = "Insist on this server web certificate thumbprint.")
  String serverThumbprint;

  @Override
  public Integer call() throws Exception {
    TentacleHome home = instance.home();
    TentacleConfig config = TentacleConfig.load(home);
    PrintWriter out = spec.commandLine().getOut();
    List<ServerLink> leaving = leaving(home, config);
    if (leaving.isEmpty()) {
      out.println(
          "Tentacle instance '"
              + home.instance()
              + "' was already deregistered from "
              + config.serverUrl()
              + " at "
              + Instant.ofEpochMilli(config.deregisteredAtMillis())
              + ".");
      return 0;
    }
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException(
          "an API key is required: pass --api-key or set CUTTLE_API_KEY");
    }
    if (serverThumbprint != null && leaving.size() > 1) {
      throw new IllegalArgumentException(
          "--server-thumbprint names one server, but this instance polls "
              + leaving.size()
              + ": add --server URL to leave them one at a time");
    }
    Thumbprint thumbprint = Instances.thumbprint(home);
    List<String> failures = new ArrayList<>();
    for (ServerLink server : leaving) {
      try {
        leave(server, thumbprint, out);
      } catch (ApiException | IllegalStateException e) {
        // The others are still left: one unreachable server must not keep the instance on them.
        failures.add(server.serverUrl() + ": " + e.getMessage());
        continue;
      }
      // Saved after each server, so that what was done is on file even if a later one fails.
      config = forget(config, server);
      config.save(home);
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          "not removed from "
              + String.join("; ", failures)
              + ". Still registered there; fix that and run deregister --server URL again");
    }
    out.println(
        config.activeServers().isEmpty()
            ? "Marked instance '"
                + home.instance()
                + "' deregistered. Stop its service if it runs one; register it again to use it."
            : "Instance '"
                + home.instance()
                + "' still polls "
                + String.join(
                    ", ", config.activeServers().stream().map(ServerLink::serverUrl).toList())
                + "; restart it (or its service) to stop polling what it left.");
    return 0;
  }

  /** The servers to leave: the one named by --server, or every one the instance polls. */
  private List<ServerLink> leaving(TentacleHome home, TentacleConfig config) {
    if (serverUrl == null) {
      return config.activeServers();
    }
    return config.activeServers().stream()
        .filter(s -> s.isAt(serverUrl))
        .findFirst()
        .map(List::of)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "--server: instance '"
                        + home.instance()
                        + "' is not registered with "
                        + serverUrl
                        + (config.activeServers().isEmpty()
                            ? " (it is registered with no server)"
                            : " (it polls "
                                + String.join(
                                    ", ",
                                    config.activeServers().stream()
                                        .map(ServerLink::serverUrl)
                                        .toList())
                                + ")")));
  }

  private void leave(ServerLink server, Thumbprint thumbprint, PrintWriter out) {
    try (ApiClient api =
        ApiClient.connect(
            server.serverUrl(),
            apiKey,
            serverThumbprint == null ? null : Thumbprint.parse(serverThumbprint))) {
      DeregisterTentacleResponse removed = api.deregister(server.name(), thumbprint.toString());
      out.println(
          "Removed tentacle '"
              + removed.name()
              + "' from "
              + server.serverUrl()
              + (removed.failedCommands() == 0
                  ? "."
                  : "; " + removed.failedCommands() + " unfinished command(s) were failed."));
    } catch (ApiException e) {
      // Gone already, or its name now belongs to another certificate: either way this
      // instance is not registered there, which is what the operator asked for. Any other
      // refusal (a wrong key, an unreachable server) leaves tentacle.json as it was.
      if (e.status() == 404) {
        out.println(
            "Tentacle '"
                + server.name()
                + "' was already gone from "
                + server.serverUrl()
                + "; nothing to remove there.");
      } else if (e.status() == 409) {
        out.println(
            "Not removed from "
                + server.serverUrl()
                + ": "
                + e.getMessage()
                + ". This instance is not it.");
      } else {
        throw e;
      }
    }
  }

  private static TentacleConfig forget(TentacleConfig config, ServerLink server) {
    return server.equals(config.primaryServer())
        ? config.deregistered(System.currentTimeMillis())
        : config.withoutAdditionalServer(server.serverUrl());
  }
}
