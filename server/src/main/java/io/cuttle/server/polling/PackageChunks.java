package io.cuttle.server.polling;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.cuttle.common.text.LogSafe;
import io.cuttle.server.packages.PackageStore;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.DeployPackage;
import io.cuttle.wire.polling.v1.FetchPackageChunkRequest;
import io.cuttle.wire.polling.v1.PackageChunk;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pieces of packages a tentacle downloads for its DeployPackage commands. */
final class PackageChunks {
  private static final Logger log = LoggerFactory.getLogger(PackageChunks.class);

  /**
   * A tentacle fetches a package one chunk at a time, and a package shared by several commands
   * once; a chunk refused is asked for again after a pause. A chunk's turn lasts until its answer
   * is sent, so a peer that does not read its answers holds at most this many chunks (1 MiB).
   */
  static final int MAX_PER_TENTACLE = 4;

  private final PollingContext context;
  private final PackageStore packages;
  private final TurnsPerTentacle inFlight;

  PackageChunks(PollingContext context, PackageStore packages, TurnsPerTentacle inFlight) {
    this.context = context;
    this.packages = packages;
    this.inFlight = inFlight;
  }

  /**
   * Serves a piece of a package only for an unfinished DeployPackage command of the caller's that
   * names it, so a tentacle can never read a package it was not sent.
   */
  void serve(
      AuthenticatedTentacle caller,
      FetchPackageChunkRequest request,
      StreamObserver<PackageChunk> observer) {
    Optional<TurnsPerTentacle.Turn> turn = inFlight.tryEnter(caller.id());
    if (turn.isEmpty()) {
      observer.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "tentacle '"
                      + caller.name()
                      + "' already has "
                      + inFlight.max()
                      + " package chunks on their way from this server, the most it may; ask for"
                      + " this one again once one of those has arrived")
              .asRuntimeException());
      return;
    }
    // Until the answer is written out or the call is reset, not when this method returns: the
    // answer waits in memory for as long as the peer does not read it.
    ServiceRequestContext.current().log().whenComplete().thenRun(turn.get()::end);
    Optional<DeployPackage> deployment =
        context
            .queue()
            .unfinished(caller.id(), request.getCommandId())
            .filter(Command::hasDeployPackage)
            .map(Command::getDeployPackage)
            .filter(d -> d.getSha256().equals(request.getSha256()));
    if (deployment.isEmpty()) {
      log.warn(
          "Refused tentacle '{}' package {} for command {}: no unfinished command sent to it names"
              + " that package",
          caller.name(),
          LogSafe.of(request.getSha256()),
          LogSafe.of(request.getCommandId()));
      observer.onError(
          Status.PERMISSION_DENIED
              .withDescription(
                  "package "
                      + LogSafe.of(request.getSha256())
                      + " is not part of an unfinished command '"
                      + LogSafe.of(request.getCommandId())
                      + "' sent to this tentacle")
              .asRuntimeException());
      return;
    }
    if (request.getOffset() < 0 || request.getOffset() > deployment.get().getSize()) {
      observer.onError(
          Status.OUT_OF_RANGE
              .withDescription(
                  "offset "
                      + request.getOffset()
                      + " (expected: 0 to the package's size, "
                      + deployment.get().getSize()
                      + ")")
              .asRuntimeException());
      return;
    }
    Optional<byte[]> chunk = packages.chunk(request.getSha256(), request.getOffset());
    if (chunk.isEmpty()) {
      observer.onError(
          Status.NOT_FOUND
              .withDescription(
                  "package "
                      + deployment.get().getPackageId()
                      + " "
                      + deployment.get().getVersion()
                      + " is no longer stored on the server; push it again")
              .asRuntimeException());
      return;
    }
    PollingService.reply(
        observer,
        PackageChunk.newBuilder()
            .setData(ByteString.copyFrom(chunk.get()))
            .setTotalSize(deployment.get().getSize())
            .build());
  }
}
