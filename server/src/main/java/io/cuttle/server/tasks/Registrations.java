package io.cuttle.server.tasks;

import com.linecorp.armeria.common.HttpStatus;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.common.text.DidYouMean;
import io.cuttle.server.data.EnvironmentStore;
import io.cuttle.server.data.Ids;
import io.cuttle.server.data.RegistrationTokenStore;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.polling.PollWaiters;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.DeregisterTentacleResponse;
import io.cuttle.wire.api.EnvironmentView;
import io.cuttle.wire.api.RegisterTentacleRequest;
import io.cuttle.wire.api.RegisterTentacleResponse;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers tentacles: binds a name to a certificate thumbprint. Registering again with the same
 * certificate updates the record (a tentacle may re-run its install script); taking a name that
 * another certificate holds needs {@code force}, so a typo cannot hijack a tentacle. A registration
 * token only adds a tentacle whose name is free: changing one takes an admin's API key.
 */
public final class Registrations {
  private static final Logger log = LoggerFactory.getLogger(Registrations.class);

  private final TentacleStore tentacles;
  private final EnvironmentStore environments;
  private final TaskStore tasks;
  private final RegistrationTokenStore tokens;
  private final Supplier<Thumbprint> serverThumbprint;
  private final PollWaiters waiters;
  private final Clock clock;

  public Registrations(
      TentacleStore tentacles,
      EnvironmentStore environments,
      TaskStore tasks,
      RegistrationTokenStore tokens,
      Supplier<Thumbprint> serverThumbprint,
      PollWaiters waiters,
      Clock clock) {
    this.tentacles = tentacles;
    this.environments = environments;
    this.tasks = tasks;
    this.tokens = tokens;
    this.serverThumbprint = serverThumbprint;
    this.waiters = waiters;
    this.clock = clock;
  }

  public RegisterTentacleResponse register(RegisterTentacleRequest request, String caller) {
    return register(request, caller, null);
  }

  /**
   * Registers a tentacle.
   *
   * @param tokenId the one-time registration token the caller presented instead of an API key, or
   *     null; it is used up only if the registration succeeds
   */
  public RegisterTentacleResponse register(
      RegisterTentacleRequest request, String caller, String tokenId) {
    String name = Validation.name("name", request.name());
    Thumbprint thumbprint = Validation.thumbprint(request.thumbprint());
    String environment = Validation.name("environment", request.environment());
    List<String> roles = Validation.names("roles", request.roles());
    if (request.commsStyle() == null) {
      throw ApiException.badRequest("commsStyle is required (POLLING_ADDRESS or LEGACY_PORT)");
    }
    String commsAddress = validCommsAddress(request.commsAddress());
    if (Boolean.FALSE.equals(request.createEnvironment())) {
      requireExistingEnvironment(environment);
    }

    HandleCallback<Stored, RuntimeException> attempt =
        h -> store(h, name, thumbprint, environment, roles, request, commsAddress, tokenId);
    Stored stored;
    try {
      stored = tentacles.jdbi().inTransaction(attempt);
    } catch (ApiException e) {
      throw e;
    } catch (RuntimeException e) {
      // A registration racing this one added the environment, or took the name or certificate,
      // between the reads and the writes: nothing of this try was kept, and the second one sees
      // what the other stored and answers as if it had come after it.
      log.debug("Registration of '{}' retried after a conflicting write", name, e);
      stored = tentacles.jdbi().inTransaction(attempt);
    }
    log.info(
        "Tentacle '{}' {} by {} (thumbprint {}, environment {}, roles {}, polls {})",
        name,
        stored.existed() ? "re-registered" : "registered",
        caller,
        thumbprint,
        environment,
        roles,
        commsAddress);
    return new RegisterTentacleResponse(
        stored.record().id(), name, serverThumbprint.get().toString());
  }

  /** What one registration stored, and whether it changed a tentacle that was there before. */
  private record Stored(TentacleRecord record, boolean existed) {}

  /**
   * Checks the registration against what is stored and stores it, all in one transaction: a refusal
   * (a conflict, a token used meanwhile) leaves nothing behind, not even a new environment.
   */
  private Stored store(
      Handle h,
      String name,
      Thumbprint thumbprint,
      String environment,
      List<String> roles,
      RegisterTentacleRequest request,
      String commsAddress,
      String tokenId) {
    Optional<TentacleRecord> byName = tentacles.findByName(h, name);
    Optional<TentacleRecord> byThumbprint = tentacles.findByThumbprint(h, thumbprint.toString());
    if (byThumbprint.isPresent() && !byThumbprint.get().name().equals(name)) {
      throw ApiException.conflict(
          "this certificate is already registered as tentacle '"
              + byThumbprint.get().name()
              + "'; deregister that one first, or make a new certificate for this instance");
    }
    if (byName.isPresent() && tokenId != null) {
      // A token proves the right to add a tentacle, not to change one: its thumbprint is public,
      // so a leaked token must not move production-01 to another environment, roles or address.
      throw ApiException.conflict(
          "a tentacle named '"
              + name
              + "' is already registered; a registration token only adds a new tentacle: to"
              + " change '"
              + name
              + "', register it with an admin's API key, or pick another name");
    }
    boolean replacing =
        byName.isPresent() && !byName.get().thumbprint().equals(thumbprint.toString());
    if (replacing && !request.force()) {
      throw ApiException.conflict(
          "a tentacle named '"
              + name
              + "' is already registered with another certificate ("
              + byName.get().thumbprint()
              + "); pass force to replace it, or pick another name");
    }
    long now = clock.millis();
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
            now,
            null,
            null,
            null);
    // Unknown environments are added (after the last one) unless the client asked for a known
    // one: installing a tentacle is often the first thing done on a new server, before anyone set
    // environments up, and clients from before createEnvironment expect it.
    environments.ensure(h, environment, now);
    tentacles.save(h, record, byName.isPresent());
    if (tokenId != null && !tokens.use(h, tokenId, name, now)) {
      // Thrown inside the transaction, so the registration is rolled back with it.
      throw new ApiException(
          HttpStatus.UNAUTHORIZED,
          "the registration token was used or expired while this registration was"
              + " being made; ask an admin for a new one");
    }
    return new Stored(record, byName.isPresent());
  }

  /**
   * Removes a tentacle: its certificate is no longer accepted, its held polls end at once with a
   * refusal, its name is free, and its unfinished commands fail with a message that says why. Past
   * tasks keep showing its name.
   *
   * @param thumbprint when given, remove the tentacle only if it still has this certificate, so a
   *     machine deregistering itself cannot remove the tentacle that replaced it under its name
   */
  public DeregisterTentacleResponse deregister(String nameOrId, String thumbprint, String caller) {
    TentacleRecord tentacle =
        tentacles
            .findByName(nameOrId)
            .or(() -> tentacles.findById(nameOrId))
            .orElseThrow(() -> ApiException.notFound("no tentacle named '" + nameOrId + "'"));
    if (thumbprint != null && !thumbprint.isBlank()) {
      String expected = Validation.thumbprint(thumbprint).toString();
      if (!tentacle.thumbprint().equals(expected)) {
        throw ApiException.conflict(
            "tentacle '"
                + tentacle.name()
                + "' is registered with another certificate ("
                + tentacle.thumbprint()
                + "), not "
                + expected
                + "; it was left in place");
      }
    }
    long now = clock.millis();
    boolean removed =
        tentacles.jdbi().inTransaction(h -> tentacles.deregister(h, tentacle.id(), now));
    if (!removed) {
      throw ApiException.notFound("no tentacle named '" + nameOrId + "'");
    }
    int failed =
        tasks.failWhere(
            "c.tentacle_id = :id",
            q -> q.bind("id", tentacle.id()),
            o ->
                "tentacle '" + o.tentacleName() + "' was deregistered before this command finished",
            now);
    waiters.revoke(tentacle.id());
    log.info(
        "Tentacle '{}' ({}) deregistered by {}; {} unfinished command(s) failed",
        tentacle.name(),
        tentacle.thumbprint(),
        caller,
        failed);
    return new DeregisterTentacleResponse(tentacle.id(), tentacle.name(), failed);
  }

  /**
   * Refuses a name that is not an environment, naming the ones there are: a registration token's
   * holder may not list them otherwise, and a misspelt name must not make a new environment. On a
   * server with no environment yet there is nothing to misspell, and the first tentacle installed
   * on a new server makes the first environment, as the README's first steps do.
   */
  private void requireExistingEnvironment(String environment) {
    List<String> known = environments.list().stream().map(EnvironmentView::name).toList();
    if (known.isEmpty() || known.stream().anyMatch(environment::equalsIgnoreCase)) {
      return;
    }
    String guess = DidYouMean.phrase(environment, known);
    throw ApiException.notFound(
        "no environment '"
            + environment
            + "'"
            + (guess.isEmpty() ? "" : "; " + guess)
            + " (there are: "
            + String.join(", ", known)
            + "); to add it, register with createEnvironment: true");
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
