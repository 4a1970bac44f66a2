package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.tentacle.CheckStep;
import io.cuttle.tentacle.ConnectionCheck;
import io.cuttle.tentacle.Registration;
import io.cuttle.tentacle.ServerLink;
import io.cuttle.tentacle.TentacleProxy;
import io.cuttle.wire.api.ServerInfo;
import java.io.PrintWriter;
import java.util.List;

/**
 * What {@code cuttle tentacle register} does before the server hears of the tentacle: it checks the
 * polling address the way {@code cuttle tentacle check} does (name, TCP, TLS, the server's
 * identity, the route to the polling listener), so that an address that cannot work is refused
 * instead of registered. With {@code --no-verify} a failure is a warning and registration goes on.
 */
final class PollingAddressVerification implements Registration.BeforeRegistering {
  private final String serverUrl;
  private final Thumbprint serverThumbprint;
  private final boolean warnOnly;
  private final PrintWriter err;
  private String outcome = "not checked (--no-verify)";

  PollingAddressVerification(
      String serverUrl, Thumbprint serverThumbprint, boolean warnOnly, PrintWriter err) {
    this.serverUrl = serverUrl;
    this.serverThumbprint = serverThumbprint;
    this.warnOnly = warnOnly;
    this.err = err;
  }

  @Override
  public void check(Identity identity, String pollingUrl, TentacleProxy proxy) {
    ServerInfo info;
    try (ApiClient api =
        ApiClient.connect(serverUrl, null, serverThumbprint, proxy.policy(System.getenv()))) {
      info = api.serverInfo();
    }
    ServerLink link =
        new ServerLink(
            null, null, serverUrl, pollingUrl, null, info.thumbprint(), null, List.of(), 0, null);
    ConnectionCheck.ServerCheck check =
        ConnectionCheck.checkPath(link, identity, proxy.policy(System.getenv()));
    List<CheckStep> steps = check.steps();
    CheckStep last = steps.get(steps.size() - 1);
    if (check.passed()) {
      outcome = "ok (" + last.detail() + ")";
      return;
    }
    String failure =
        "the polling address "
            + pollingUrl
            + " does not work: "
            + last.title()
            + " failed: "
            + last.detail()
            + ". "
            + last.advice()
            + (last.advice().endsWith(".") ? "" : ".");
    if (!warnOnly) {
      throw new IllegalStateException(
          failure
              + " Nothing was registered; 'cuttle tentacle register --no-verify ...' registers"
              + " it anyway.");
    }
    err.println("Warning: " + failure + " Registering anyway (--no-verify).");
    err.flush();
    outcome = "FAILED (registered anyway, --no-verify): " + last.title() + ": " + last.detail();
  }

  /** How the check ended, for the summary printed after registering. */
  String outcome() {
    return outcome;
  }
}
