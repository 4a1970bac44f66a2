package io.cuttle.dist;

import io.cuttle.common.pki.Identity;
import io.cuttle.tentacle.Instances;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "new-certificate",
    mixinStandardHelpOptions = true,
    description = {
      "Gives an instance a new key pair and self-signed certificate (the old pair is kept in "
          + "previous-identity/).",
      "The server knows only the old thumbprint, so re-register after."
    })
final class TentacleNewCertificateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Override
  public Integer call() throws Exception {
    TentacleHome home = instance.home();
    // Read before replacing: a corrupt tentacle.json is reported with nothing changed.
    Optional<TentacleConfig> config = Instances.config(home);
    String old = Instances.thumbprint(home).toString();
    Identity identity = Instances.newCertificate(home);
    var out = spec.commandLine().getOut();
    out.println("New certificate for tentacle instance '" + home.instance() + "'.");
    out.println("  Thumbprint:      " + identity.thumbprint());
    out.println("  Old thumbprint:  " + old + " (kept in " + Instances.PREVIOUS_IDENTITY + "/)");
    if (config.isPresent() && config.get().registered()) {
      out.println(
          "The server at "
              + config.get().serverUrl()
              + " still expects the old thumbprint and will refuse this tentacle until it is"
              + " re-registered: run 'cuttle tentacle register --instance "
              + home.instance()
              + " --force ...' with the same options as before, or register the new thumbprint"
              + " on the server. Restart a running tentacle to use the new key. To change keys"
              + " without either (a running tentacle switches to the new key within seconds and is refused until the server knows it), use 'cuttle tentacle rotate-certificate' instead.");
    } else {
      out.println("The instance is not registered; the new thumbprint is used when it is.");
    }
    return 0;
  }
}
