package io.cuttle.server.web;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Get;
import io.cuttle.server.data.DatabaseAvailability;
import io.cuttle.wire.api.ServerInfo;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What anyone may ask without a key: is the server up, and how to reach and pin it. Neither answer
 * touches the database, so both come at once even while it hangs.
 */
final class ServerApi {
  private final Supplier<ServerInfo> info;
  private final DatabaseAvailability database;
  private final JsonResponses responses;

  ServerApi(Supplier<ServerInfo> info, DatabaseAvailability database, JsonResponses responses) {
    this.info = info;
    this.database = database;
    this.responses = responses;
  }

  @Get("/server")
  public HttpResponse server() {
    return responses.ok(info.get());
  }

  /** 200 while the server can serve; 503, naming what is wrong and since when, while not. */
  @Get("/health")
  public HttpResponse health() {
    Optional<Instant> unavailableSince = database.unavailableSince();
    if (unavailableSince.isEmpty()) {
      return responses.ok(Map.of("status", "ok", "version", info.get().version()));
    }
    return responses.of(
        HttpStatus.SERVICE_UNAVAILABLE,
        Map.of(
            "status",
            "unavailable",
            "version",
            info.get().version(),
            "database",
            Map.of("status", "unavailable", "since", unavailableSince.get().toString()),
            "detail",
            "the database has not answered since "
                + unavailableSince.get()
                + "; this server serves again once it is back"));
  }
}
