package io.cuttle.server.web;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.annotation.Get;
import io.cuttle.wire.api.ServerInfo;
import java.util.Map;
import java.util.function.Supplier;

/** What anyone may ask without a key: is the server up, and how to reach and pin it. */
final class ServerApi {
  private final Supplier<ServerInfo> info;
  private final JsonResponses responses;

  ServerApi(Supplier<ServerInfo> info, JsonResponses responses) {
    this.info = info;
    this.responses = responses;
  }

  @Get("/server")
  public HttpResponse server() {
    return responses.ok(info.get());
  }

  @Get("/health")
  public HttpResponse health() {
    return responses.ok(Map.of("status", "ok", "version", info.get().version()));
  }
}
