package io.cuttle.client;

import static io.cuttle.client.ApiTransport.encode;

import com.linecorp.armeria.common.HttpMethod;
import io.cuttle.wire.api.EnvironmentOrderRequest;
import io.cuttle.wire.api.EnvironmentRequest;
import io.cuttle.wire.api.EnvironmentView;
import java.util.List;

/** Environments, in the order deployments are promoted through them. */
interface EnvironmentCalls {
  ApiTransport transport();

  default List<EnvironmentView> environments() {
    return transport().list("/api/environments", EnvironmentView.class);
  }

  default EnvironmentView createEnvironment(String name) {
    return transport()
        .post("/api/environments", new EnvironmentRequest(name), EnvironmentView.class);
  }

  default EnvironmentView renameEnvironment(String name, String newName) {
    return transport()
        .put(
            "/api/environments/" + encode(name),
            new EnvironmentRequest(newName),
            EnvironmentView.class);
  }

  /** Puts every environment in this order; {@code names} must list each once. */
  default List<EnvironmentView> reorderEnvironments(List<String> names) {
    return transport()
        .callForList(
            HttpMethod.PUT,
            "/api/environments",
            new EnvironmentOrderRequest(names),
            EnvironmentView.class);
  }

  default void deleteEnvironment(String name) {
    transport().delete("/api/environments/" + encode(name), Void.class);
  }
}
