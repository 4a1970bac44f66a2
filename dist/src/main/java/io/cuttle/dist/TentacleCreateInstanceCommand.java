package io.cuttle.dist;

import io.cuttle.common.pki.Identity;
import io.cuttle.tentacle.Instances;
import io.cuttle.tentacle.TentacleHome;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "create-instance",
    mixinStandardHelpOptions = true,
    description = {
      "Makes a tentacle instance on this machine: its home folder, key and self-signed "
          + "certificate.",
      "Register it afterwards with 'cuttle tentacle register'."
    })
final class TentacleCreateInstanceCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin TentacleCommand.InstanceOptions instance;

  @Option(
      names = "--force",
      description = {
        "Replace an existing instance's key and certificate (the old pair is kept in "
            + "previous-identity/) and set its registration aside as tentacle.json.old."
      })
  boolean force;

  @Override
  public Integer call() throws Exception {
    TentacleHome home = instance.home();
    boolean existed = Instances.exists(home);
    Identity identity = Instances.create(home, force);
    var out = spec.commandLine().getOut();
    out.println(
        (existed ? "Re-created" : "Created") + " tentacle instance '" + home.instance() + "'.");
    out.println("  Home:        " + home.directory());
    out.println("  Thumbprint:  " + identity.thumbprint());
    if (existed) {
      out.println(
          "Its old registration belonged to the old certificate: register it again, and remove"
              + " the old registration from the server if it is still there.");
    }
    out.println(
        "Register it with: cuttle tentacle register --instance "
            + home.instance()
            + " --server https://<server> --environment <env> --comms-address https://polling.<server>:443");
    return 0;
  }
}
