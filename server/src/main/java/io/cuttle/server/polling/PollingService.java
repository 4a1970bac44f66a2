package io.cuttle.server.polling;

import io.cuttle.common.pki.Thumbprint;
import io.cuttle.common.text.LogSafe;
import io.cuttle.server.CuttleServer;
import io.cuttle.server.data.CommandLog;
import io.cuttle.server.data.CommandQueue;
import io.cuttle.server.data.HealthCheckStore;
import io.cuttle.server.data.TaskStore;
import io.cuttle.server.data.TentacleStore;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.Route;
import io.cuttle.wire.polling.v1.AcknowledgeRequest;
import io.cuttle.wire.polling.v1.AcknowledgeResponse;
import io.cuttle.wire.polling.v1.AddCertificateRequest;
import io.cuttle.wire.polling.v1.AddCertificateResponse;
import io.cuttle.wire.polling.v1.CheckRequest;
import io.cuttle.wire.polling.v1.CheckResponse;
import io.cuttle.wire.polling.v1.FetchPackageChunkRequest;
import io.cuttle.wire.polling.v1.HealthReport;
import io.cuttle.wire.polling.v1.PackageChunk;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.PollResponse;
import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.cuttle.wire.polling.v1.ProgressReport;
import io.cuttle.wire.polling.v1.ProgressResponse;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.cuttle.wire.polling.v1.ResultReport;
import io.cuttle.wire.polling.v1.ResultResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The polling contract, server side. Every call names the tentacle it is for; that name must be the
 * one the connection's certificate was registered as, so a registered certificate can never act for
 * another tentacle.
 */
final class PollingService extends PollingServiceGrpc.PollingServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(PollingService.class);

  private final PollingContext context;
  private final TentacleStore tentacles;
  private final TaskStore tasks;
  private final TentacleCertificates certificates;
  private final PollingRefusals refusals;
  private final TurnsPerTentacle progressInFlight;
  private final PackageChunks chunks;
  private final ConnectedTentacles.Door routerDoor;

  /**
   * A tentacle sends one output batch at a time per running command, so only one running several
   * commands at once comes near it; a batch refused is sent again after a pause. Well under the
   * server's 16 workers and 10 database connections.
   */
  static final int MAX_PROGRESS_BATCHES_PER_TENTACLE = 4;

  PollingService(
      PollingContext context,
      TentacleStore tentacles,
      TaskStore tasks,
      PackageStore packages,
      TurnsPerTentacle progressInFlight,
      TurnsPerTentacle chunksInFlight,
      ConnectedTentacles.Door routerDoor) {
    this.context = context;
    this.routerDoor = routerDoor;
    this.tentacles = tentacles;
    this.tasks = tasks;
    this.progressInFlight = progressInFlight;
    this.chunks = new PackageChunks(context, packages, chunksInFlight);
    this.certificates = new TentacleCertificates(tentacles, context.clock());
    this.refusals =
        new PollingRefusals(
            new PeerWarnings(log, context.clock()),
            new HealthCheckStore(tasks.jdbi(), context.queue(), tasks));
  }

  @Override
  public void poll(PollRequest request, StreamObserver<PollResponse> observer) {
    AuthenticatedTentacle caller = AuthenticatedTentacle.current();
    try (PollingLogContext logContext = PollingLogContext.of(caller, null)) {
      pollAs(caller, request, observer);
    }
  }

  private void pollAs(
      AuthenticatedTentacle caller, PollRequest request, StreamObserver<PollResponse> observer) {
    if (!refusals.isCaller(caller, request.getTentacleId(), observer)) {
      return;
    }
    if (request.getProtocolVersion() != ProtocolVersion.PROTOCOL_VERSION_1) {
      observer.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  "this server speaks polling protocol version 1 but the tentacle sent "
                      + request.getProtocolVersionValue()
                      + "; install a tentacle of the server's version")
              .asRuntimeException());
      return;
    }
    if (refusals.refused(
        caller, "a poll", PollingFieldLimits.agent(request.getAgent()), observer)) {
      return;
    }
    tentacles.recordContact(
        caller.id(),
        context.clock().millis(),
        caller.route(),
        caller.address(),
        request.getAgent().getVersion(),
        request.getAgent().getCapabilitiesList(),
        request.getAgent().getPlatform(),
        heldServerPin(request));
    certificates.polled(caller);
    new LongPoll(
            caller,
            freeSlots(request),
            (ServerCallStreamObserver<PollResponse>) observer,
            context,
            caller.route() == Route.LEGACY ? ConnectedTentacles.Door.LEGACY : routerDoor)
        .start();
  }

  /**
   * The next server thumbprint the tentacle says it holds, or null: older tentacles send none, and
   * anything that is not a thumbprint cannot be the one the server announced.
   */
  private static String heldServerPin(PollRequest request) {
    try {
      return request.getNextServerThumbprint().isEmpty()
          ? null
          : Thumbprint.parse(request.getNextServerThumbprint()).toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Older tentacles send only busy; one that is not busy has room for one command. */
  private static int freeSlots(PollRequest request) {
    return request.getBusy() ? 0 : Math.max(1, request.getFreeSlots());
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> observer) {
    AuthenticatedTentacle caller = AuthenticatedTentacle.current();
    reply(
        observer,
        CheckResponse.newBuilder()
            .setTentacleId(caller.id())
            .setTentacleName(caller.name())
            .setServerVersion(CuttleServer.VERSION)
            .setRoute(caller.route().name())
            .setAddress(caller.address())
            .build());
  }

  @Override
  public void addCertificate(
      AddCertificateRequest request, StreamObserver<AddCertificateResponse> observer) {
    AuthenticatedTentacle caller = AuthenticatedTentacle.current();
    if (!refusals.isCaller(caller, request.getTentacleId(), observer)) {
      return;
    }
    try {
      reply(observer, certificates.add(caller, request));
    } catch (io.grpc.StatusRuntimeException e) {
      observer.onError(e);
    }
  }

  @Override
  public void acknowledge(
      AcknowledgeRequest request, StreamObserver<AcknowledgeResponse> observer) {
    AuthenticatedTentacle caller = AuthenticatedTentacle.current();
    try (PollingLogContext logContext = PollingLogContext.of(caller, request.getCommandId())) {
      acknowledgeAs(caller, request, observer);
    }
  }

  private void acknowledgeAs(
      AuthenticatedTentacle caller,
      AcknowledgeRequest request,
      StreamObserver<AcknowledgeResponse> observer) {
    if (!refusals.isCaller(caller, request.getTentacleId(), observer)
        || refusals.refused(
            caller,
            "an acknowledgement",
            PollingFieldLimits.commandId(request.getCommandId()),
            observer)) {
      return;
    }
    CommandQueue.AckOutcome outcome =
        context.queue().acknowledge(caller.id(), request.getCommandId(), context.clock().millis());
    if (outcome == CommandQueue.AckOutcome.UNKNOWN) {
      observer.onError(unknownCommand(request.getCommandId()));
      return;
    }
    reply(
        observer,
        AcknowledgeResponse.newBuilder()
            .setProceed(outcome == CommandQueue.AckOutcome.PROCEED)
            .build());
  }

  @Override
  public void reportProgress(ProgressReport request, StreamObserver<ProgressResponse> observer) {
    AuthenticatedTentacle caller = AuthenticatedTentacle.current();
    if (!refusals.isCaller(caller, request.getTentacleId(), observer)) {
      return;
    }
    Optional<String> problem =
        PollingFieldLimits.commandId(request.getCommandId())
            .or(() -> ProgressBatchCheck.problem(request))
            .or(() -> refusals.healthCheckOutput(caller, request));
    if (refusals.refused(caller, "a progress batch", problem, observer)) {
      return;
    }
    Optional<TurnsPerTentacle.Turn> turn = progressInFlight.tryEnter(caller.id());
    if (turn.isEmpty()) {
      observer.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "tentacle '"
                      + caller.name()
                      + "' already has "
                      + progressInFlight.max()
                      + " batches of output being stored on this server, the most it may; send"
                      + " this one again once one of those is answered")
              .asRuntimeException());
      return;
    }
    Optional<CommandLog.LogProgress> stored;
    try {
      stored =
          context
              .log()
              .append(
                  caller.id(),
                  request.getCommandId(),
                  request.getLinesList(),
                  context.clock().millis());
    } finally {
      turn.get().end();
    }
    if (stored.isEmpty()) {
      observer.onError(unknownCommand(request.getCommandId()));
      return;
    }
    reply(
        observer,
        ProgressResponse.newBuilder()
            .setStoredThrough(stored.get().storedThrough())
            .setOutputTruncated(stored.get().truncated())
            .build());
  }

  @Override
  public void reportResult(ResultReport request, StreamObserver<ResultResponse> observer) {
    AuthenticatedTentacle caller = AuthenticatedTentacle.current();
    try (PollingLogContext logContext = PollingLogContext.of(caller, request.getCommandId())) {
      reportResultAs(caller, request, observer);
    }
  }

  private void reportResultAs(
      AuthenticatedTentacle caller, ResultReport request, StreamObserver<ResultResponse> observer) {
    if (!refusals.isCaller(caller, request.getTentacleId(), observer)
        || refusals.refused(caller, "a result", PollingFieldLimits.result(request), observer)) {
      return;
    }
    Optional<CommandLog.LogProgress> logged =
        context
            .log()
            .append(
                caller.id(), request.getCommandId(), java.util.List.of(), context.clock().millis());
    if (logged.isEmpty()) {
      observer.onError(unknownCommand(request.getCommandId()));
      return;
    }
    if (logged.get().storedThrough() < request.getLastSequence()) {
      // Lines are missing: the tentacle resends them, then the result.
      reply(observer, ResultResponse.newBuilder().setRecorded(false).build());
      return;
    }
    if (request.hasHealth()) {
      HealthReport health = request.getHealth();
      context
          .queue()
          .recordHealthReport(
              caller.id(), request.getCommandId(), health.getFreeDiskBytes(), describe(health));
    }
    boolean completed = request.getOutcome() == ResultReport.Outcome.COMPLETED;
    CommandState state =
        switch (request.getOutcome()) {
          case COMPLETED ->
              request.getExitCode() == 0 ? CommandState.SUCCEEDED : CommandState.FAILED;
          case CANCELLED -> CommandState.CANCELLED;
          default -> CommandState.FAILED;
        };
    String message =
        switch (state) {
          case SUCCEEDED -> null;
          case CANCELLED -> nonBlank(request.getMessage(), "cancelled: the tentacle stopped it");
          default ->
              completed
                  ? "the script exited with code " + request.getExitCode()
                  : nonBlank(request.getMessage(), "the tentacle could not run the script");
        };
    tasks.finishCommand(
        caller.id(),
        request.getCommandId(),
        state,
        completed ? request.getExitCode() : null,
        message,
        context.clock().millis());
    log.info(
        "Command {} on tentacle '{}' ended: {}",
        LogSafe.of(request.getCommandId()),
        caller.name(),
        state);
    // The ended command may have been what kept a queued one (exclusive, or of the same mutex)
    // from this tentacle's open polls: let them look again now rather than at their timeout.
    context.waiters().signal(caller.id());
    reply(observer, ResultResponse.newBuilder().setRecorded(true).build());
  }

  /** A health report in the words the tentacles page shows. */
  private static String describe(HealthReport health) {
    String text =
        "version "
            + health.getVersion()
            + "; "
            + health.getFreeDiskBytes() / (1024 * 1024)
            + " MiB free on the disk of "
            + health.getHome()
            + "; can run "
            + String.join(", ", health.getInterpretersList());
    return text.length() <= 2000 ? text : text.substring(0, 2000);
  }

  @Override
  public void fetchPackageChunk(
      FetchPackageChunkRequest request, StreamObserver<PackageChunk> observer) {
    AuthenticatedTentacle caller = AuthenticatedTentacle.current();
    if (refusals.isCaller(caller, request.getTentacleId(), observer)) {
      chunks.serve(caller, request, observer);
    }
  }

  static RuntimeException unknownCommand(String commandId) {
    return Status.NOT_FOUND
        .withDescription("no command '" + LogSafe.of(commandId) + "' was sent to this tentacle")
        .asRuntimeException();
  }

  static <T> void reply(StreamObserver<T> observer, T response) {
    observer.onNext(response);
    observer.onCompleted();
  }

  private static String nonBlank(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
