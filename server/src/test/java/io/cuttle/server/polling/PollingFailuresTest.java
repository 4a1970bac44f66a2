package io.cuttle.server.polling;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.ResponseCompleteException;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.cuttle.server.data.DatabaseAvailability;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which polling failures are routine (CANCELLED, no ERROR) and which are the server's fault. */
class PollingFailuresTest {
  private final PollingFailures failures =
      new PollingFailures(
          DatabaseAvailability.watch(() -> {}, Clock.systemUTC(), Duration.ofHours(1)));
  private final ServiceRequestContext ctx =
      ServiceRequestContext.of(HttpRequest.of(HttpMethod.POST, "/cuttle.polling.v1.Polling/Poll"));

  private Status.Code codeFor(Throwable cause) {
    return failures.apply(ctx, Status.UNKNOWN, cause, new Metadata()).getCode();
  }

  @Test
  void aCallLostWithItsStreamIsCancelledNotAServerFault() {
    assertThat(codeFor(ClosedStreamException.get())).isEqualTo(Status.Code.CANCELLED);
    // A held poll whose response was complete when the server closed (seen in
    // DatabaseOutageTest and HighAvailabilityKillTest logged as an ERROR).
    assertThat(codeFor(ResponseCompleteException.get())).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void anythingElseIsAServerFault() {
    assertThat(codeFor(new IllegalStateException("bug"))).isEqualTo(Status.Code.INTERNAL);
  }
}
