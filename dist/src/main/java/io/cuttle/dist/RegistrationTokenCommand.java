package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.RegistrationToken;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "registration-token",
    mixinStandardHelpOptions = true,
    description =
        "Hands out one-time tokens a new tentacle registers with, in place of an API key.",
    subcommands = {RegistrationTokenCommand.Create.class})
final class RegistrationTokenCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Creates a token that registers one tentacle ('cuttle tentacle register --token ...')",
        "and prints it, this once only."
      })
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin ServerOptions server;

    @Option(
        names = "--expires-in-seconds",
        paramLabel = "SECONDS",
        description = "How long it may be used (default: the server's, 24 hours).")
    Long expiresInSeconds;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ApiClient api = server.connect()) {
        RegistrationToken token = api.createRegistrationToken(expiresInSeconds);
        out.println(
            "Registration token "
                + token.id()
                + ", valid for one registration until "
                + Instant.ofEpochMilli(token.expiresAt())
                + ":");
        out.println(token.token());
        out.println("Store it now: the server keeps only its hash, so it cannot be shown again.");
        out.flush();
        return 0;
      }
    }
  }
}
