package io.cuttle.tentacle;

import io.cuttle.client.proxy.ProxyPolicy;
import io.cuttle.common.pki.Identity;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.polling.v1.CheckRequest;
import io.cuttle.wire.polling.v1.CheckResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The last step of {@code cuttle tentacle check}: a real polling call, over the tentacle's own
 * client (same name, ALPN marker, proxy and pins), asking whether the server knows this tentacle.
 */
final class RegistrationStep {
  private RegistrationStep() {}

  static CheckStep run(ServerLink server, Identity identity, ProxyPolicy proxies) {
    String title = "Registration";
    try (PollingConnection connection =
        new PollingConnection(
            server.pollingUrl(), identity, server.serverPins(), Duration.ofSeconds(5), proxies)) {
      CheckResponse answer =
          connection
              .calls
              .withDeadlineAfter(ConnectionCheck.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
              .check(CheckRequest.newBuilder().setTentacleId(server.tentacleId()).build());
      if (!answer.getTentacleId().equals(server.tentacleId())) {
        return CheckStep.fail(
            title,
            "the server knows this certificate as '"
                + answer.getTentacleName()
                + "' ("
                + answer.getTentacleId()
                + "), not as this instance's "
                + server.tentacleId(),
            "Register this instance again with --force, or ask the server admin which"
                + " tentacle this certificate belongs to.");
      }
      return CheckStep.pass(
          title,
          "the server (version "
              + answer.getServerVersion()
              + ") knows this tentacle as '"
              + answer.getTentacleName()
              + "', arriving from "
              + answer.getAddress()
              + " "
              + (answer.getRoute().equals("ROUTER") ? Route.ROUTER : Route.LEGACY).label());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
        return CheckStep.fail(
            title,
            "the server does not know this tentacle's certificate (" + identity.thumbprint() + ")",
            "Ask the server admin whether this tentacle was removed, or register it again"
                + " with 'cuttle tentacle register --force'.");
      } else {
        return CheckStep.fail(
            title,
            e.getStatus().toString(),
            "The polling listener answered but the call failed: ask the server admin to look"
                + " at the server's log.");
      }
    }
  }
}
