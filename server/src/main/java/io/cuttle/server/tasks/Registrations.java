package io.cuttle.server.tasks;

import io.cuttle.common.pki.Thumbprint;
import io.cuttle.server.data.Ids;
import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.RegisterTentacleRequest;
import io.cuttle.wire.api.RegisterTentacleResponse;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers tentacles: binds a name to a certificate thumbprint. Registering again with the same
 * certificate updates the record (a tentacle may re-run its install script); taking a name that
 * another certificate holds needs {@code force}, so a typo cannot hijack a tentacle.
 */
public final class Registrations {
  private static final Logger log = LoggerFactory.getLogger(Registrations.class);

  private final TentacleStore tentacles;
  private final Thumbprint serverThumbprint;
  private final Clock clock;

  public Registrations(TentacleStore tentacles, Thumbprint serverThumbprint, Clock clock) {
    this.tentacles = tentacles;
    this.serverThumbprint = serverThumbprint;
    this.clock = clock;
  }

  public RegisterTentacleResponse register(RegisterTentacleRequest request, String caller) {
    String name = Validation.name("name", request.name());
    Thumbprint thumbprint = Validation.thumbprint(request.thumbprint());
    String environment = Validation.name("environment", request.environment());
    List<String> roles = Validation.names("roles", request.roles());
    if (request.commsStyle() == null) {
      throw ApiException.badRequest("commsStyle is required (POLLING_ADDRESS or LEGACY_PORT)");
    }
    String commsAddress = validCommsAddress(request.commsAddress());

    Optional<TentacleRecord> byName = tentacles.findByName(name);
    Optional<TentacleRecord> byThumbprint = tentacles.findByThumbprint(thumbprint.toString());
    if (byThumbprint.isPresent() && !byThumbprint.get().name().equals(name)) {
      throw ApiException.conflict(
          "this certificate is already registered as tentacle '"
              + byThumbprint.get().name()
              + "'; deregister that one first, or make a new certificate for this instance");
    }
    if (byName.isPresent()
        && !byName.get().thumbprint().equals(thumbprint.toString())
        && !request.force()) {
      throw ApiException.conflict(
          "a tentacle named '"
              + name
              + "' is already registered with another certificate ("
              + byName.get().thumbprint()
              + "); pass force to replace it, or pick another name");
    }
    TentacleRecord record =
        new TentacleRecord(
            byName.map(TentacleRecord::id).orElseGet(() -> Ids.newId("T-")),
            name,
            thumbprint.toString(),
            environment,
            roles,
            request.commsStyle(),
            commsAddress,
            request.version(),
            List.of(),
            null,
            clock.millis(),
            null,
            null,
            null);
    tentacles.jdbi().useTransaction(h -> tentacles.save(h, record, byName.isPresent()));
    log.info(
        "Tentacle '{}' {} by {} (thumbprint {}, environment {}, roles {}, polls {})",
        name,
        byName.isPresent() ? "re-registered" : "registered",
        caller,
        thumbprint,
        environment,
        roles,
        commsAddress);
    return new RegisterTentacleResponse(record.id(), name, serverThumbprint.toString());
  }

  private static String validCommsAddress(String address) {
    if (address == null || address.isBlank()) {
      throw ApiException.badRequest(
          "commsAddress is required, e.g. https://polling.example.com:443");
    }
    try {
      URI uri = URI.create(address);
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an https URL");
      }
      return address;
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "commsAddress: '"
              + address
              + "' (expected: an https URL such as https://polling.example.com:443)");
    }
  }
}
