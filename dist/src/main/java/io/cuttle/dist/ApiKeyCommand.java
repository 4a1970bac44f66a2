package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.ApiKeyView;
import io.cuttle.wire.api.CreateApiKeyRequest;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "api-key",
    mixinStandardHelpOptions = true,
    description = "Manages API keys, which scripts and the CLI use in place of a password.",
    subcommands = {
      ApiKeyCommand.ListKeys.class,
      ApiKeyCommand.Create.class,
      ApiKeyCommand.Revoke.class
    })
final class ApiKeyCommand extends CommandGroup {
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists API keys (never their values, which are shown once, at creation).")
  static final class ListKeys extends ApiCommand {
    @CommandLine.Mixin OutputOptions output;

    @Option(names = "--user", description = "Only this user's keys.")
    String user;

    @Override
    void run(ApiClient api, PrintWriter out) {
      List<ApiKeyView> keys = api.apiKeys(user);
      if (output.printedAsJson(out, keys)) {
        return;
      }
      for (ApiKeyView key : keys) {
        out.printf(
            "%s  %-12s  %-20s  created %s%s%n",
            key.id(),
            key.user(),
            key.label(),
            Instant.ofEpochMilli(key.createdMillis()),
            key.revokedMillis() == null
                ? ""
                : "  REVOKED " + Instant.ofEpochMilli(key.revokedMillis()));
      }
      if (keys.isEmpty()) {
        out.println("No API keys" + (user == null ? "." : " for " + user + "."));
      }
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates an API key and prints its value, this once only.")
  static final class Create extends ApiCommand {
    @Option(
        names = "--label",
        required = true,
        description = "What the key is for, e.g. ci-pipeline, to tell keys apart later.")
    String label;

    @Option(names = "--user", description = "Whose key it is (default: the caller's own).")
    String user;

    @Override
    void run(ApiClient api, PrintWriter out) {
      ApiKeyView.Created created = api.createApiKey(new CreateApiKeyRequest(user, label));
      out.println(
          "Created API key "
              + created.apiKey().id()
              + " ("
              + created.apiKey().label()
              + ") for "
              + created.apiKey().user()
              + ":");
      out.println(created.key());
      out.println(
          "Store it now: the server keeps only its hash, so it cannot be shown again. Revoke it"
              + " with 'cuttle api-key revoke "
              + created.apiKey().id()
              + "'.");
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revokes an API key: requests made with it are refused from now on.")
  static final class Revoke extends ApiCommand {
    @Parameters(arity = "1", paramLabel = "KEY_ID", description = "The key's id, from 'list'.")
    String id;

    @Override
    void run(ApiClient api, PrintWriter out) {
      ApiKeyView key = api.revokeApiKey(id);
      out.println("Revoked API key " + key.id() + " (" + key.label() + ") of " + key.user());
    }
  }
}
