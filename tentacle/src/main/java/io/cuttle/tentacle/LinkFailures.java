package io.cuttle.tentacle;

import io.cuttle.common.pki.Thumbprint;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * Turns a failed poll into what the operator needs to read: a server that is not the pinned one, a
 * proxy that refused the tunnel, a server that refused this tentacle, or plain unreachability. Each
 * becomes a {@link LinkState} change, which logs it once rather than on every retry.
 */
final class LinkFailures {
  private final ServerLink server;
  private final PollingConnection connection;
  private final ServerPins serverPins;
  private final LinkState link;
  private final String pollingHost;
  private final int pollingPort;

  LinkFailures(
      ServerLink server,
      PollingConnection connection,
      ServerPins serverPins,
      LinkState link,
      String pollingHost,
      int pollingPort) {
    this.server = server;
    this.connection = connection;
    this.serverPins = serverPins;
    this.link = link;
    this.pollingHost = pollingHost;
    this.pollingPort = pollingPort;
  }

  void explain(Throwable cause) {
    Thumbprint mismatch = connection.takeMismatch();
    if (mismatch != null) {
      link.change(
          LinkState.State.REFUSED,
          "Refusing to talk to "
              + server.pollingUrl()
              + ": it presented certificate thumbprint "
              + mismatch
              + " but this tentacle pinned "
              + serverPins.describe()
              + ". If the server's certificate changed on purpose (for example it was rotated"
              + " while this tentacle was stopped), register again with --force; otherwise"
              + " something is intercepting the connection");
      return;
    }
    Optional<String> proxyRefusal = connection.tunnels.explain(cause, pollingHost, pollingPort);
    if (proxyRefusal.isPresent()) {
      link.change(LinkState.State.PROXY_REFUSED, proxyRefusal.get());
      return;
    }
    if (cause instanceof StatusRuntimeException sre) {
      Status.Code code = sre.getStatus().getCode();
      if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
        link.change(
            LinkState.State.REFUSED,
            "The server at "
                + server.pollingUrl()
                + " refused this tentacle: "
                + sre.getStatus().getDescription()
                + ". Register it again with 'cuttle tentacle register --instance ...'");
        return;
      }
    }
    link.change(
        LinkState.State.DISCONNECTED,
        "Cannot reach the polling endpoint "
            + server.pollingUrl()
            + " ("
            + rootMessage(cause)
            + "); retrying with backoff");
  }

  /** The innermost cause, named by its class: what a network failure really was. */
  static String rootMessage(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
