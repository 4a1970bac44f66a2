package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.Thumbprint;
import picocli.CommandLine.Option;

/**
 * How a command reaches a server's REST API: its URL, an API key, and a thumbprint to insist on.
 */
final class ServerOptions {
  @Option(
      names = "--server",
      required = true,
      description = "Server web URL, e.g. https://deploy.example.com")
  String url;

  @Option(
      names = "--api-key",
      description = "API key (default: the CUTTLE_API_KEY environment variable).",
      defaultValue = "${env:CUTTLE_API_KEY}")
  String apiKey;

  @Option(
      names = "--server-thumbprint",
      description = "Insist on this server web certificate thumbprint.")
  String thumbprint;

  @Option(
      names = "--verbose",
      description = "On failure, also show the underlying error and its stack trace.")
  boolean verbose;

  String requireApiKey() {
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException(
          "an API key is required: pass --api-key or set CUTTLE_API_KEY");
    }
    return apiKey;
  }

  /** The thumbprint to insist on, or null to trust as {@link io.cuttle.client.ServerTrust} says. */
  Thumbprint thumbprint() {
    return thumbprint == null ? null : Thumbprint.parse(thumbprint);
  }

  ApiClient connect() {
    return ApiClient.connect(url, requireApiKey(), thumbprint());
  }
}
