package io.cuttle.server.polling;

import io.cuttle.common.text.LogSafe;
import io.cuttle.server.data.HealthCheckStore;
import io.cuttle.wire.polling.v1.ProgressReport;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/**
 * The polling calls refused for what the caller sent: the refusal names the problem to the peer,
 * and the log says it once a minute per peer, with every value the peer sent made safe by {@link
 * LogSafe}, so a hostile tentacle can neither flood the log nor forge lines in it.
 */
final class PollingRefusals {
  private final PeerWarnings warnings;
  private final HealthCheckStore healthChecks;

  PollingRefusals(PeerWarnings warnings, HealthCheckStore healthChecks) {
    this.warnings = warnings;
    this.healthChecks = healthChecks;
  }

  /** Logs a refusal the service chose itself; {@code message} must hold only safe values. */
  void warn(String peer, String kind, String message) {
    warnings.warn(peer, kind, message);
  }

  boolean isCaller(AuthenticatedTentacle caller, String claimedId, StreamObserver<?> observer) {
    if (caller.id().equals(claimedId)) {
      return true;
    }
    warnings.warn(
        caller.address(),
        "wrong tentacle id",
        "Refused a polling call from "
            + caller.address()
            + ": the certificate of tentacle '"
            + caller.name()
            + "' ("
            + caller.thumbprint()
            + ") was used to act as tentacle id '"
            + LogSafe.of(claimedId)
            + "'");
    observer.onError(
        Status.PERMISSION_DENIED
            .withDescription(
                "this certificate is not registered to tentacle id '" + LogSafe.of(claimedId) + "'")
            .asRuntimeException());
    return false;
  }

  /**
   * Refuses the call (named with its article, "a poll"), naming the problem, when there is one;
   * logs it rate-limited per peer.
   */
  boolean refused(
      AuthenticatedTentacle caller,
      String call,
      Optional<String> problem,
      StreamObserver<?> observer) {
    if (problem.isEmpty()) {
      return false;
    }
    warnings.warn(
        caller.address(),
        call,
        "Refused " + call + " of tentacle '" + caller.name() + "': " + problem.get());
    observer.onError(Status.INVALID_ARGUMENT.withDescription(problem.get()).asRuntimeException());
    return true;
  }

  /**
   * A health check runs no script and prints nothing; output for one could only come from a hostile
   * tentacle wanting a fresh output allowance every time a check is sent.
   */
  Optional<String> healthCheckOutput(AuthenticatedTentacle caller, ProgressReport request) {
    return request.getLinesCount() > 0
            && healthChecks.isHealthCheck(caller.id(), request.getCommandId())
        ? Optional.of(
            "command "
                + LogSafe.of(request.getCommandId())
                + " is a health check, which has no output; only commands that run scripts may"
                + " send output")
        : Optional.empty();
  }
}
