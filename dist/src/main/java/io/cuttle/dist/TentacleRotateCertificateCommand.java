package io.cuttle.dist;

import io.cuttle.tentacle.CertificateRotation;
import io.cuttle.tentacle.Instances;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "rotate-certificate",
    mixinStandardHelpOptions = true,
    description = {
      "Gives a registered instance a new key pair without re-registering or stopping it: the "
          + "server is told, over the polling channel and with the current certificate, to trust the "
          + "new one too; a running tentacle switches to it within seconds, and the server retires "
          + "the old certificate at its first poll with the new one."
    })
final class TentacleRotateCertificateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Override
  public Integer call() throws Exception {
    CertificateRotation.Result result = CertificateRotation.rotate(instance.home());
    var out = spec.commandLine().getOut();
    out.println("Rotated the certificate of tentacle instance '" + instance.instance + "'.");
    out.println("  Thumbprint:      " + result.added());
    out.println(
        "  Old thumbprint:  "
            + result.old()
            + " (kept in "
            + Instances.PREVIOUS_IDENTITY
            + "/; retired on the server at the first poll with the new one)");
    return 0;
  }
}
