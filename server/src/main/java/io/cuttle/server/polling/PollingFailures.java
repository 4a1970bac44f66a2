package io.cuttle.server.polling;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.ResponseCompleteException;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import com.linecorp.armeria.server.HttpStatusException;
import io.cuttle.server.data.DatabaseAvailability;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy for what goes wrong in polling calls. Refusals the service chose carry their own
 * status. Calls the tentacle cancelled or lost with its connection are routine (a tentacle cancels
 * its busy poll every time a command ends), and so are calls whose response was already complete
 * when their stream ended (a held poll as the server closes): they are logged at DEBUG only, as are
 * requests Armeria refused with a 4xx before the service saw them (a body over the limit). A
 * database that cannot be reached is answered UNAVAILABLE, which tentacles retry with backoff
 * (DatabaseAvailability logs the outage once). Anything else is a server fault: logged with its
 * stack, answered with a generic INTERNAL.
 */
final class PollingFailures implements GrpcExceptionHandlerFunction {
  private static final Logger log = LoggerFactory.getLogger(PollingFailures.class);
  private final DatabaseAvailability database;

  PollingFailures(DatabaseAvailability database) {
    this.database = database;
  }

  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
      return Status.fromThrowable(cause);
    }
    // Before lost calls: a database connection reset is an IOException too, but not the peer's.
    if (database.failed(cause)) {
      return Status.UNAVAILABLE.withDescription(
          "the server's database is unavailable; retry later");
    }
    if (isLostCall(cause)) {
      log.debug("Polling call {} ended by the peer: {}", ctx.id(), cause.toString());
      return Status.CANCELLED;
    }
    HttpStatusException refused = peerRefusal(cause);
    if (refused != null) {
      // Armeria refused the request itself (say, headers claiming a body over the limit): the
      // peer's doing, so one DEBUG line, not an ERROR with a stack for each such request.
      log.debug("Polling call {} refused: {}", ctx.id(), refused.httpStatus());
      return refused.httpStatus().code() == 413
          ? Status.RESOURCE_EXHAUSTED.withDescription("the call is larger than the polling limit")
          : Status.INVALID_ARGUMENT.withDescription("refused: " + refused.httpStatus());
    }
    log.error("Polling call {} failed on the server", ctx.id(), cause);
    return Status.INTERNAL.withDescription(
        "the server failed to handle this call; its log has the details");
  }

  /** A 4xx status Armeria answered before the service saw the request, if that is the cause. */
  private static HttpStatusException peerRefusal(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof HttpStatusException e && e.httpStatus().isClientError()) {
        return e;
      }
    }
    return null;
  }

  private static boolean isLostCall(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ClosedStreamException
          || t instanceof ResponseCompleteException
          || t instanceof CancellationException
          || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
