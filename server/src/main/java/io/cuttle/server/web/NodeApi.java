package io.cuttle.server.web;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Get;
import io.cuttle.server.data.ServerNodeStore;
import io.cuttle.wire.api.NodeView;
import java.time.Clock;

/** {@code /api/nodes}: the server nodes using this database, and which one answered. */
final class NodeApi {
  private final ServerNodeStore nodes;
  private final String thisNode;
  private final Clock clock;
  private final JsonResponses responses;

  NodeApi(ServerNodeStore nodes, String thisNode, Clock clock, JsonResponses responses) {
    this.nodes = nodes;
    this.thisNode = thisNode;
    this.clock = clock;
    this.responses = responses;
  }

  @Get("/nodes")
  public HttpResponse list() {
    long now = clock.millis();
    return responses.ok(
        nodes.all().stream()
            .map(
                n ->
                    new NodeView(
                        n.name(),
                        n.address(),
                        n.version(),
                        n.thumbprint(),
                        n.onlineAt(now),
                        n.startedAt(),
                        n.lastSeenAt(),
                        n.tentaclesPolling(),
                        n.heldPolls(),
                        n.name().equals(thisNode)))
            .toList());
  }
}
