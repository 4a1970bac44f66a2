package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.RegistrationToken;
import io.cuttle.wire.api.RegistrationTokenView;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "registration-token",
    mixinStandardHelpOptions = true,
    description =
        "Hands out one-time tokens a new tentacle registers with, in place of an API key.",
    subcommands = {
      RegistrationTokenCommand.Create.class,
      RegistrationTokenCommand.ListTokens.class,
      RegistrationTokenCommand.Revoke.class
    })
final class RegistrationTokenCommand extends CommandGroup {
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Creates a token that registers one tentacle and prints it, this once only.",
        "The tentacle registers with it: cuttle tentacle register --token TOKEN ..."
      })
  static final class Create extends ApiCommand {
    @Option(
        names = "--expires-in-seconds",
        paramLabel = "SECONDS",
        description = "How long it may be used (default: the server's, 24 hours).")
    Long expiresInSeconds;

    @Override
    void run(ApiClient api, PrintWriter out) {
      RegistrationToken token = api.createRegistrationToken(expiresInSeconds);
      out.println(
          "Registration token "
              + token.id()
              + ", valid for one registration until "
              + Instant.ofEpochMilli(token.expiresAt())
              + ":");
      out.println(token.token());
      out.println("Store it now: the server keeps only its hash, so it cannot be shown again.");
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists registration tokens (never their values), newest first.")
  static final class ListTokens extends ApiCommand {
    @CommandLine.Mixin OutputOptions output;

    @Override
    void run(ApiClient api, PrintWriter out) {
      List<RegistrationTokenView> tokens = api.registrationTokens();
      if (output.printedAsJson(out, tokens)) {
        return;
      }
      long now = System.currentTimeMillis();
      for (RegistrationTokenView token : tokens) {
        out.printf("%s  by %-12s  %s%n", token.id(), token.createdBy(), stateOf(token, now));
      }
      if (tokens.isEmpty()) {
        out.println("No registration tokens.");
      }
    }

    private static String stateOf(RegistrationTokenView token, long now) {
      if (token.usedMillis() != null) {
        return "used by " + token.usedBy() + " at " + Instant.ofEpochMilli(token.usedMillis());
      }
      if (token.revokedMillis() != null) {
        return "revoked at " + Instant.ofEpochMilli(token.revokedMillis());
      }
      return (token.expiresMillis() <= now ? "expired at " : "unused, valid until ")
          + Instant.ofEpochMilli(token.expiresMillis());
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revokes a registration token not yet used, so it registers nothing.")
  static final class Revoke extends ApiCommand {
    @Parameters(arity = "1", paramLabel = "TOKEN_ID", description = "The token's id (R-...).")
    String id;

    @Override
    void run(ApiClient api, PrintWriter out) {
      api.revokeRegistrationToken(id);
      out.println("Revoked registration token " + id);
    }
  }
}
