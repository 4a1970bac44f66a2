package io.cuttle.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.google.common.util.concurrent.ListenableFuture;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import io.cuttle.client.ApiClient;
import io.cuttle.common.pki.PemFiles;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.DeployPackageRequest;
import io.cuttle.wire.api.TaskView;
import io.cuttle.wire.polling.v1.AgentInfo;
import io.cuttle.wire.polling.v1.CheckRequest;
import io.cuttle.wire.polling.v1.Command;
import io.cuttle.wire.polling.v1.FetchPackageChunkRequest;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.PollRequest;
import io.cuttle.wire.polling.v1.PollResponse;
import io.cuttle.wire.polling.v1.ProgressReport;
import io.cuttle.wire.polling.v1.ProgressResponse;
import io.cuttle.wire.polling.v1.ProtocolVersion;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.internal.PlatformDependent;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The polling listener under a hostile peer: a registered tentacle's certificate in hostile hands.
 * A normal tentacle beside it keeps running commands after every attack. And a peer without a
 * certificate at all, flooding the listener with message bodies.
 */
@Timeout(180)
class HostilePeerTest {
  /** How many package chunks one tentacle may have on their way from the server (security.md). */
  private static final int PACKAGE_CHUNKS_IN_FLIGHT = 4;

  @TempDir static Path dir;
  private static TestFleet fleet;
  private static TentacleHome hostileHome;
  private static TentacleCaller hostile;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = new TestFleet(dir);
    fleet.start(fleet.register("steady", true));
    hostileHome = fleet.register("hostile", true);
    hostile = new TentacleCaller(fleet, hostileHome, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopFleet() {
    if (hostile != null) {
      hostile.close();
    }
    fleet.close();
  }

  /** The normal tentacle still takes and finishes a command after each attack. */
  @AfterEach
  void theSteadyTentacleStillRunsCommands() throws Exception {
    TaskView task = fleet.runScript("echo still here", List.of("steady"), 60L);
    fleet.follow(task.id());
    assertThat(fleet.task(task.id()).targets().get(0).state()).isEqualTo(CommandState.SUCCEEDED);
  }

  @Test
  void aConnectionMayOpenOnlyTheStreamsATentacleNeeds() throws Exception {
    try (RawPollingClient connection =
        new RawPollingClient(fleet.legacyPort(), PemFiles.read(hostileHome.directory()))) {
      assertThat(connection.serverSettings.get(60, TimeUnit.SECONDS).maxConcurrentStreams())
          .as("16 polls and 64 commands' calls, with room to spare; Armeria's default is unlimited")
          .isEqualTo(100L);
    }
  }

  @Test
  void aHugeWrongTentacleIdIsNotEchoedBack() {
    char[] id = new char[1 << 20];
    java.util.Arrays.fill(id, '\u00e9');
    StatusRuntimeException refused =
        catchThrowableOfType(
            () ->
                hostile.polling.fetchPackageChunk(
                    FetchPackageChunkRequest.newBuilder()
                        .setTentacleId(new String(id))
                        .setCommandId(new String(id))
                        .build()),
            StatusRuntimeException.class);

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused.getStatus().getDescription())
        .hasSizeLessThan(1024)
        .contains("\u00e9".repeat(100) + "\u2026(1048576 characters)");
  }

  @Test
  void compressedMessagesAreRefusedUnread() throws Exception {
    char[] text = new char[(8 << 20) - 1024];
    java.util.Arrays.fill(text, 'x');
    ProgressReport bomb =
        ProgressReport.newBuilder()
            .setTentacleId(hostile.tentacleId)
            .setCommandId("none")
            .addLines(LogLine.newBuilder().setSequence(1).setText(new String(text)))
            .build();
    assertThat(gzip(bomb.toByteArray()).length).as("a bomb of a few KB").isLessThan(16 << 10);
    // The client compresses each one: 8 MiB that cost the peer a few KB on the wire.

    List<ListenableFuture<ProgressResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(hostile.pollingAsync.withCompression("gzip").reportProgress(bomb));
    }
    for (ListenableFuture<ProgressResponse> call : calls) {
      ExecutionException refused = catchThrowableOfType(call::get, ExecutionException.class);
      // Refused by the deframer before it is decompressed, which needs a decompressor.
      Status status = Status.fromThrowable(refused.getCause());
      assertThat(status.getDescription())
          .as(status.toString())
          .contains("Can't decode compressed frame as compression not configured");
      assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
    }
    assertThat(
            hostile.polling.check(
                CheckRequest.newBuilder().setTentacleId(hostile.tentacleId).build()))
        .extracting(r -> r.getTentacleName())
        .as("the same tentacle, uncompressed, is answered")
        .isEqualTo("hostile");
  }

  @Test
  void aTentacleThatReadsNoAnswersHoldsAtMostFourPackageChunks() throws Exception {
    Command deployment = packageDeploymentSentToHostile();
    FetchPackageChunkRequest fetch =
        FetchPackageChunkRequest.newBuilder()
            .setTentacleId(hostile.tentacleId)
            .setCommandId(deployment.getCommandId())
            .setSha256(deployment.getDeployPackage().getSha256())
            .build();
    int calls = 90;
    List<RawPollingClient.StalledCall> sent = new ArrayList<>();
    try (RawPollingClient stalled =
        RawPollingClient.thatReadsNoAnswers(
            fleet.legacyPort(), PemFiles.read(hostileHome.directory()))) {
      for (int i = 0; i < calls; i++) {
        sent.add(stalled.unary("FetchPackageChunk", fetch));
      }
      // Every call is answered at once with its headers; only four may carry a chunk, which then
      // waits in the server for a window the peer never opens.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> sent.stream().allMatch(call -> call.headers.isDone()));
      List<RawPollingClient.StalledCall> refused =
          sent.stream().filter(call -> call.status.isDone()).toList();
      assertThat(refused)
          .as("all but the four chunks a tentacle may have on their way")
          .hasSize(calls - PACKAGE_CHUNKS_IN_FLIGHT);
      assertThat(refused)
          .extracting(call -> call.status.getNow(null))
          .as("RESOURCE_EXHAUSTED, so an honest tentacle asks again later")
          .containsOnly(Integer.toString(Status.Code.RESOURCE_EXHAUSTED.value()));
      assertThat(sent).allMatch(call -> call.bodyBytes.get() == 0);
    }
    // Once the stalled connection is gone, its chunks' turns are over.
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> hostile.polling.fetchPackageChunk(fetch).getData().size() > 0);
  }

  /**
   * Pushes a package of several chunks and deploys it to the hostile tentacle, which polls for it
   * as an agent that can unpack zips.
   */
  private static Command packageDeploymentSentToHostile() throws Exception {
    Path zip = dir.resolve("Stalled.1.0.0.zip");
    byte[] payload = new byte[3 * 256 * 1024];
    new java.util.Random(7).nextBytes(payload);
    try (java.util.zip.ZipOutputStream out =
        new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry("payload.bin"));
      out.write(payload);
      out.closeEntry();
    }
    Future<PollResponse> held =
        hostile.pollingAsync.poll(
            PollRequest.newBuilder()
                .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
                .setTentacleId(hostile.tentacleId)
                .setFreeSlots(1)
                .setAgent(
                    AgentInfo.newBuilder()
                        .setVersion("0.1.0")
                        .addCapabilities("script:sh")
                        .addCapabilities("package:zip")
                        .setPlatform("Linux"))
                .build());
    try (ApiClient api = fleet.api()) {
      api.pushPackage(zip, null, null);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> api.tentacle("hostile").capabilities().contains("package:zip"));
      api.deployPackage(
          new DeployPackageRequest(
              "Stalled",
              "1.0.0",
              "true",
              null,
              null,
              List.of(),
              List.of("hostile"),
              60L,
              null,
              null,
              null));
    }
    Command command = held.get(60, TimeUnit.SECONDS).getCommand();
    assertThat(command.hasDeployPackage()).as(command.toString()).isTrue();
    return command;
  }

  /**
   * 8 connections without a certificate, each with 4 calls offering 4 MiB of an 8 MiB message (128
   * MiB in all; before the fix the server's direct memory grew by 225 MiB and held it), then 8
   * calls made of headers alone that claim a 1 TiB body. Each connection's first call is refused on
   * its headers, every flooding connection is closed, and the server's direct memory grows by a few
   * MiB at most.
   */
  @Test
  void aPeerWithoutACertificateIsRefusedUnreadAndHoldsAlmostNothing() throws Exception {
    assertThat(PlatformDependent.usedDirectMemory())
        .as("Netty counts its direct memory")
        .isNotNegative();
    List<RawPollingClient> clients = new ArrayList<>();
    List<RawPollingClient.RawCall> floods = new ArrayList<>();
    try (LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
        PeakDirectMemory memory = new PeakDirectMemory()) {
      io.cuttle.wire.polling.v1.PollingServiceGrpc.PollingServiceBlockingStub stranger =
          com.linecorp.armeria.client.grpc.GrpcClients.builder(
                  "https://127.0.0.1:" + fleet.legacyPort())
              .factory(ClientFactory.insecure())
              .responseTimeout(Duration.ofSeconds(60))
              .build(io.cuttle.wire.polling.v1.PollingServiceGrpc.PollingServiceBlockingStub.class);
      for (int c = 0; c < 8; c++) {
        StatusRuntimeException refused =
            catchThrowableOfType(
                () -> stranger.check(CheckRequest.newBuilder().setTentacleId("x").build()),
                StatusRuntimeException.class);
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refused.getStatus().getDescription()).contains("not registered");
        RawPollingClient client = new RawPollingClient(fleet.legacyPort(), null);
        clients.add(client);
        for (int s = 0; s < 4; s++) {
          floods.add(
              client.call("ReportProgress", (8 << 20) - 1024, 4L << 20, new DefaultHttp2Headers()));
        }
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> floods.stream().allMatch(RawPollingClient.RawCall::settled));
      assertThat(floods)
          .as("every flooding stream was cut off, long before its 4 MiB")
          .allSatisfy(flood -> assertThat(flood.ended).isDone())
          .allSatisfy(flood -> assertThat(flood.sent()).isLessThan(1L << 20));
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> clients.stream().noneMatch(RawPollingClient::isOpen));

      RawPollingClient headersOnly = new RawPollingClient(fleet.legacyPort(), null);
      clients.add(headersOnly);
      List<RawPollingClient.RawCall> claims = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        claims.add(
            headersOnly.call(
                "ReportProgress",
                (8 << 20) - 1024,
                0,
                new DefaultHttp2Headers().add("content-length", Long.toString(1L << 40))));
      }
      for (RawPollingClient.RawCall claim : claims) {
        Http2Headers answer = claim.answer.get(60, TimeUnit.SECONDS);
        assertThat(answer.status()).hasToString("413");
      }

      long grown = memory.peak() - memory.before;
      System.out.printf("server direct memory: %d before, peak %d%n", memory.before, memory.peak());
      assertThat(grown).as("direct memory grown under the attack").isLessThan(8L << 20);
      assertThat(log.messagesAt(Level.ERROR)).isEmpty();
    } finally {
      clients.forEach(RawPollingClient::close);
    }
  }

  /**
   * A call without a certificate is refused on its headers: a raw client declaring an 8 MiB message
   * and holding its body back is answered UNAUTHENTICATED all the same, and its connection is
   * closed. Calls that do send a 4 MiB body get the same refusal, their body cut off, while the
   * server's direct memory barely grows; the refusals make one log line.
   */
  @Test
  void aCallWithoutACertificateIsRefusedOnItsHeadersBeforeItsBodyIsSent() throws Exception {
    List<RawPollingClient> clients = new ArrayList<>();
    try (LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
        PeakDirectMemory memory = new PeakDirectMemory()) {
      for (int i = 0; i < 4; i++) {
        RawPollingClient stranger = new RawPollingClient(fleet.legacyPort(), null);
        clients.add(stranger);
        RawPollingClient.RawCall call =
            stranger.call(
                "ReportProgress",
                (8 << 20) - 1024,
                0,
                new DefaultHttp2Headers().add("content-length", Integer.toString(8 << 20)));
        Http2Headers answer = call.answer.get(60, TimeUnit.SECONDS);
        assertThat(answer.get("grpc-status")).as(answer.toString()).hasToString("16");
        assertThat(answer.get("grpc-message").toString()).contains("not registered");
        assertThat(call.sent()).as("bytes of the body sent before the refusal").isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> !stranger.isOpen());
      }

      // Calls that do send their body, 4 MiB each: refused all the same, the body cut off.
      for (int i = 0; i < 4; i++) {
        RawPollingClient stranger = new RawPollingClient(fleet.legacyPort(), null);
        clients.add(stranger);
        RawPollingClient.RawCall call =
            stranger.call("ReportProgress", (8 << 20) - 1024, 4L << 20, new DefaultHttp2Headers());
        Http2Headers answer = call.answer.get(60, TimeUnit.SECONDS);
        assertThat(answer.get("grpc-status")).as(answer.toString()).hasToString("16");
        await().atMost(Duration.ofSeconds(60)).until(call::settled);
        assertThat(call.sent())
            .as("what the flow-control window the server opened let through, far short of 4 MiB")
            .isLessThan(2L << 20);
        await().atMost(Duration.ofSeconds(60)).until(() -> !stranger.isOpen());
      }

      long grown = memory.peak() - memory.before;
      System.out.printf("server direct memory: %d before, peak %d%n", memory.before, memory.peak());
      assertThat(grown).as("direct memory grown by 8 refused calls").isLessThan(8L << 20);
      assertThat(log.messagesAt(Level.ERROR)).isEmpty();
      assertThat(log.messagesAt(Level.WARN))
          .filteredOn(line -> line.contains("no client certificate"))
          .as("one line for this peer, the rest counted")
          .hasSizeLessThanOrEqualTo(1);
    } finally {
      clients.forEach(RawPollingClient::close);
    }
  }

  /**
   * A registered tentacle's connection is unlimited only while the tentacle is registered: once it
   * is deregistered through the API, the same connection's next call is refused on its headers and
   * a body it sends is cut off, as a stranger's would be.
   */
  @Test
  void aDeregisteredTentaclesOpenConnectionIsHeldToAStrangersLimits() throws Exception {
    TentacleHome home = fleet.register("revoked", true);
    String tentacleId = io.cuttle.tentacle.TentacleConfig.load(home).tentacleId();
    try (RawPollingClient connection =
        new RawPollingClient(fleet.legacyPort(), PemFiles.read(home.directory()))) {
      RawPollingClient.StalledCall check =
          connection.unary("Check", CheckRequest.newBuilder().setTentacleId(tentacleId).build());
      assertThat(check.status.get(60, TimeUnit.SECONDS))
          .as("answered while registered")
          .isEqualTo("0");
      RawPollingClient.RawCall registeredBody =
          connection.call("ReportProgress", (8 << 20) - 1024, 256 << 10, new DefaultHttp2Headers());
      await().atMost(Duration.ofSeconds(60)).until(registeredBody::settled);
      // Answered after the server read the body before it: 256 KiB, far over a stranger's budget.
      assertThat(
              connection
                  .unary("Check", CheckRequest.newBuilder().setTentacleId(tentacleId).build())
                  .status
                  .get(60, TimeUnit.SECONDS))
          .isEqualTo("0");
      assertThat(registeredBody.ended).as("256 KiB of a body, while registered").isNotDone();

      try (ApiClient api = fleet.api()) {
        api.deregister("revoked", null);
      }

      RawPollingClient.RawCall flood =
          connection.call("ReportProgress", (8 << 20) - 1024, 4L << 20, new DefaultHttp2Headers());
      Http2Headers answer = flood.answer.get(60, TimeUnit.SECONDS);
      assertThat(answer.get("grpc-status")).as(answer.toString()).hasToString("16");
      assertThat(answer.get("grpc-message").toString()).contains("not registered");
      await().atMost(Duration.ofSeconds(60)).until(flood::settled);
      assertThat(flood.sent()).as("the body is cut off long before its 4 MiB").isLessThan(2L << 20);
      await().atMost(Duration.ofSeconds(60)).until(() -> !connection.isOpen());
    }
  }

  /** The browser page, over HTTP/2 and HTTP/1.1, past the requests one connection may make. */
  @Test
  void aBrowserWithoutACertificateStillGetsTheListenerPage() {
    for (String scheme : List.of("h2", "h1")) {
      WebClient browser =
          WebClient.builder(scheme + "://127.0.0.1:" + fleet.legacyPort())
              .factory(ClientFactory.insecure())
              .build();
      for (int i = 0; i < 20; i++) {
        AggregatedHttpResponse page = browser.blocking().get("/");
        assertThat(page.status()).as(scheme + " request " + i).isEqualTo(HttpStatus.OK);
        assertThat(page.contentUtf8())
            .contains("Cuttle polling listener", fleet.server.thumbprint().toString());
      }
    }
  }

  private static byte[] gzip(byte[] plain) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(plain);
    }
    return out.toByteArray();
  }
}
