package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.ServerCertificateStatus;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "server-certificate",
    mixinStandardHelpOptions = true,
    description = {
      "Rotates the certificate the server presents, without a restart: 'new' makes the next "
          + "one, which every tentacle pins on its next poll; 'status' shows who holds it; 'activate' "
          + "switches to it once every online tentacle does."
    },
    subcommands = {
      ServerCertificateCommand.Status.class,
      ServerCertificateCommand.New.class,
      ServerCertificateCommand.Activate.class
    })
final class ServerCertificateCommand extends CommandGroup {
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Shows the current and next certificates and which tentacles lack the next.")
  static final class Status extends ApiCommand {
    @Override
    void run(ApiClient api, PrintWriter out) {
      print(out, api.serverCertificate());
    }
  }

  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description = {
        "Makes the server's next certificate (replacing one not yet activated).",
        "Tentacles pin it on their next poll; the server keeps presenting the current one until "
            + "'activate'."
      })
  static final class New extends ApiCommand {
    @Option(
        names = "--previous",
        description = "Rotate back: the next certificate is the one the last 'activate' replaced.")
    boolean previous;

    @Override
    void run(ApiClient api, PrintWriter out) {
      print(out, api.createNextServerCertificate(previous));
      out.println("Activate it once every online tentacle holds it ('status' shows who does):");
      out.println("  cuttle server-certificate activate");
    }
  }

  @Command(
      name = "activate",
      mixinStandardHelpOptions = true,
      description = {
        "Presents the next certificate on new connections from now on; calls under way finish.",
        "Refused while an online tentacle does not hold it yet, unless --force. The replaced "
            + "certificate is kept in the data directory (identity-previous/)."
      })
  static final class Activate extends ApiCommand {
    @Option(
        names = "--force",
        description =
            "Activate even though online tentacles lack the pin; they must then be registered"
                + " again.")
    boolean force;

    @Override
    void run(ApiClient api, PrintWriter out) {
      print(out, api.activateServerCertificate(force));
      out.println("Clients that pass --server-thumbprint must pass the new current one now.");
    }
  }

  static void print(PrintWriter out, ServerCertificateStatus status) {
    out.println("Current certificate:  " + status.currentThumbprint());
    out.println("Next certificate:     " + orNone(status.nextThumbprint()));
    out.println("Previous certificate: " + orNone(status.previousThumbprint()));
    if (status.nextThumbprint() != null) {
      out.println(
          "Tentacles holding the next one: " + status.pinned() + " of " + status.tentacles());
      out.println("  Online without it:  " + names(status.onlineWithoutPin()));
      out.println("  Offline without it: " + names(status.offlineWithoutPin()));
    }
    out.flush();
  }

  private static String orNone(String thumbprint) {
    return thumbprint == null ? "none" : thumbprint;
  }

  private static String names(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
