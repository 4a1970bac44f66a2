package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.client.ApiException;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.tentacle.Instances;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.DeregisterTentacleResponse;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "deregister",
    mixinStandardHelpOptions = true,
    description = {
      "Removes this instance's tentacle from the server it is registered with, then marks the",
      "instance deregistered here. Its key, certificate and history stay."
    })
final class TentacleDeregisterCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Option(
      names = "--api-key",
      description = "API key (default: the CUTTLE_API_KEY environment variable).",
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
    if (!config.registered()) {
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
    Thumbprint thumbprint = Instances.thumbprint(home);
    try (ApiClient api =
        ApiClient.connect(
            config.serverUrl(),
            apiKey,
            serverThumbprint == null ? null : Thumbprint.parse(serverThumbprint))) {
      DeregisterTentacleResponse removed = api.deregister(config.name(), thumbprint.toString());
      out.println(
          "Removed tentacle '"
              + removed.name()
              + "' from "
              + config.serverUrl()
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
                + config.name()
                + "' was already gone from "
                + config.serverUrl()
                + "; nothing to remove there.");
      } else if (e.status() == 409) {
        out.println(
            "Not removed from the server: " + e.getMessage() + ". This instance is not it.");
      } else {
        throw e;
      }
    }
    config.deregistered(System.currentTimeMillis()).save(home);
    out.println(
        "Marked instance '"
            + home.instance()
            + "' deregistered. Stop its service if it runs one; register it again to use it.");
    return 0;
  }
}
