package io.cuttle.client;

import static io.cuttle.client.ApiTransport.encode;

import io.cuttle.wire.api.CreateRegistrationTokenRequest;
import io.cuttle.wire.api.DeregisterTentacleResponse;
import io.cuttle.wire.api.HealthCheckRequest;
import io.cuttle.wire.api.HealthCheckStarted;
import io.cuttle.wire.api.RefusedConnection;
import io.cuttle.wire.api.RegisterTentacleRequest;
import io.cuttle.wire.api.RegisterTentacleResponse;
import io.cuttle.wire.api.RegistrationToken;
import io.cuttle.wire.api.RegistrationTokenView;
import io.cuttle.wire.api.TentacleView;
import java.util.List;

/** Tentacles: registering them, the tokens that let them register, their health checks. */
interface TentacleCalls {
  ApiTransport transport();

  default RegisterTentacleResponse register(RegisterTentacleRequest request) {
    return transport().post("/api/tentacles", request, RegisterTentacleResponse.class);
  }

  /**
   * Deregisters the tentacle {@code name}; with {@code thumbprint}, only if it still has that
   * certificate (the server answers 409 otherwise, and 404 when there is no such tentacle).
   */
  default DeregisterTentacleResponse deregister(String name, String thumbprint) {
    String path = "/api/tentacles/" + encode(name);
    if (thumbprint != null) {
      path += "?thumbprint=" + encode(thumbprint);
    }
    return transport().delete(path, DeregisterTentacleResponse.class);
  }

  /** A one-time registration token valid for {@code expiresInSeconds} (null: the default). */
  default RegistrationToken createRegistrationToken(Long expiresInSeconds) {
    return transport()
        .post(
            "/api/registration-tokens",
            new CreateRegistrationTokenRequest(expiresInSeconds),
            RegistrationToken.class);
  }

  /** Registration tokens, newest first, without their values. */
  default List<RegistrationTokenView> registrationTokens() {
    return transport().list("/api/registration-tokens", RegistrationTokenView.class);
  }

  /** Revokes a registration token not yet used. */
  default RegistrationTokenView revokeRegistrationToken(String id) {
    return transport()
        .delete("/api/registration-tokens/" + encode(id), RegistrationTokenView.class);
  }

  default List<TentacleView> tentacles() {
    return transport().list("/api/tentacles", TentacleView.class);
  }

  /** One tentacle, by name or id. */
  default TentacleView tentacle(String name) {
    return transport().get("/api/tentacles/" + encode(name), TentacleView.class);
  }

  /** Queues a health check of one tentacle, unless one is pending. */
  default HealthCheckStarted checkHealth(String name) {
    return transport()
        .post("/api/tentacles/" + encode(name) + "/health-check", null, HealthCheckStarted.class);
  }

  /** Queues a health check of every tentacle the filter matches. */
  default HealthCheckStarted checkHealth(HealthCheckRequest filter) {
    return transport().post("/api/tentacles/health-check", filter, HealthCheckStarted.class);
  }

  default List<RefusedConnection> refusedConnections() {
    return transport().list("/api/refused-connections", RefusedConnection.class);
  }
}
