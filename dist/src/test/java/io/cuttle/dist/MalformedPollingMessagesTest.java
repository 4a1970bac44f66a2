package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.v1.CheckRequest;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.PollingServiceGrpc;
import io.cuttle.wire.polling.v1.ProgressReport;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registered tentacle's certificate sending bytes that are not a protobuf message, or a message
 * over the server's 8 MiB limit, gets an error status for that call alone: nothing is stored, and
 * the same connection goes on working.
 */
@Timeout(180)
class MalformedPollingMessagesTest {
  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  @Test
  void garbageAndOversizedMessagesAreRefusedAndNothingIsStored(@TempDir Path dir) throws Exception {
    try (TestFleet fleet = new TestFleet(dir)) {
      TentacleHome home = fleet.register("target", true);
      TaskView task = fleet.runScript("echo queued", List.of("target"), 600L);
      try (TentacleCaller target = new TentacleCaller(fleet, home, Duration.ofSeconds(60))) {
        String commandId = task.targets().get(0).commandId();
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 0xFF);
        char[] longText = new char[9 * 1024 * 1024];
        Arrays.fill(longText, 'x');
        byte[] oversized =
            ProgressReport.newBuilder()
                .setTentacleId(target.tentacleId)
                .setCommandId(commandId)
                .addLines(LogLine.newBuilder().setSequence(1).setText(new String(longText)))
                .build()
                .toByteArray();

        Status notProtobuf = reportProgress(target, garbage);
        Status tooBig = reportProgress(target, oversized);

        assertThat(notProtobuf.getCode())
            .as(notProtobuf.toString())
            .isEqualTo(Status.Code.INTERNAL);
        assertThat(tooBig.getCode())
            .as(tooBig.toString())
            .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(
                target.polling.check(
                    CheckRequest.newBuilder().setTentacleId(target.tentacleId).build()))
            .extracting(r -> r.getTentacleId())
            .isEqualTo(target.tentacleId);
        TaskView after = fleet.task(task.id());
        assertThat(after.targets().get(0).state()).isEqualTo(CommandState.QUEUED);
        fleet.start(home);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> fleet.task(task.id()).state().finished());
        assertThat(fleet.follow(task.id())).extracting(LogEntry::text).containsExactly("queued");
      }
    }
  }

  private static Status reportProgress(TentacleCaller caller, byte[] body) {
    MethodDescriptor<byte[], byte[]> method =
        PollingServiceGrpc.getReportProgressMethod().toBuilder(RAW, RAW).build();
    StatusRuntimeException refused =
        catchThrowableOfType(
            () -> ClientCalls.blockingUnaryCall(caller.channel, method, CallOptions.DEFAULT, body),
            StatusRuntimeException.class);
    assertThat(refused).as("the call was refused").isNotNull();
    return refused.getStatus();
  }
}
