package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.ServerCertificateStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
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
final class ServerCertificateCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Shows the current and next certificates and which tentacles lack the next.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        print(spec.commandLine().getOut(), api.serverCertificate());
        return 0;
      }
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
  static final class New implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Option(
        names = "--previous",
        description = "Rotate back: the next certificate is the one the last 'activate' replaced.")
    boolean previous;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        PrintWriter out = spec.commandLine().getOut();
        print(out, api.createNextServerCertificate(previous));
        out.println("Activate it once every online tentacle holds it ('status' shows who does):");
        out.println("  cuttle server-certificate activate");
        out.flush();
        return 0;
      }
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
  static final class Activate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Option(
        names = "--force",
        description =
            "Activate even though online tentacles lack the pin; they must then be registered"
                + " again.")
    boolean force;

    @Override
    public Integer call() {
      try (ApiClient api = server.connect()) {
        PrintWriter out = spec.commandLine().getOut();
        print(out, api.activateServerCertificate(force));
        out.println("Clients that pass --server-thumbprint must pass the new current one now.");
        out.flush();
        return 0;
      }
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
