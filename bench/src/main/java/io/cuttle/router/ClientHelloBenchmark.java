package io.cuttle.router;

import io.cuttle.testkit.ClientHellos;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The router's work before the first byte is relayed: reading a real ClientHello (made by the JDK's
 * TLS client), finding its SNI and ALPN, choosing the route and asking for an upstream. The socket
 * side is an {@link EmbeddedChannel} and the dial answers at once, so only the router's own code is
 * timed. Lives in the router's package to reach its package-private classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientHelloBenchmark {
  /** A hello in one TLS record, or re-framed into records of 100 bytes as a middlebox may. */
  @Param({"one-record", "small-records"})
  public String framing;

  private byte[] hello;
  private byte[] helloBody;
  private RouterConfig config;
  private RouteTable routes;
  private RouterMetrics metrics;
  private UpstreamConnector connector;

  @Setup
  public void setUp() throws Exception {
    byte[] oneRecord =
        ClientHellos.from("polling.deploy.example.com", List.of("h2", "cuttle-polling"));
    hello = framing.equals("one-record") ? oneRecord : ClientHellos.inRecordsOf(oneRecord, 100);
    // What Netty hands the router once the hello is whole: the message after record and
    // handshake headers.
    helloBody = java.util.Arrays.copyOfRange(oneRecord, 5 + 4, oneRecord.length);
    Route polling =
        new Route(
            "polling", Upstream.single(InetSocketAddress.createUnresolved("polling", 1), false));
    Route web =
        new Route("web", Upstream.single(InetSocketAddress.createUnresolved("web", 1), false));
    routes =
        RouteTable.builder()
            .exact("polling.deploy.example.com", polling)
            .wildcard("*.polling.deploy.example.com", polling)
            .defaultRoute(web)
            .build();
    config =
        RouterConfig.builder()
            .bindAddress(new InetSocketAddress(0))
            .routes(routes)
            .clientHelloTimeout(Duration.ofSeconds(10))
            .build();
    metrics = new RouterMetrics();
    UpstreamDialer answersAtOnce =
        (client, endpoint) -> client.eventLoop().<Channel>newSucceededFuture(new EmbeddedChannel());
    connector = new UpstreamConnector(answersAtOnce, new UpstreamPool(metrics), metrics);
  }

  /** Accept to routed: a fresh connection's ClientHelloRouter takes the hello and dials. */
  @Benchmark
  public Object routeClientHello() {
    EmbeddedChannel client = new EmbeddedChannel();
    client.config().setAutoRead(false);
    ConnectionRecord record = new ConnectionRecord(client.remoteAddress());
    client.attr(ConnectionRecord.KEY).set(record);
    client.pipeline().addLast(new ClientHelloRouter(config, routes, metrics, connector, record));
    client.writeInbound(Unpooled.wrappedBuffer(hello));
    client.finishAndReleaseAll();
    return record.route;
  }

  /** The ALPN scan on its own, over a hello already whole. */
  @Benchmark
  public List<String> offeredProtocols() {
    return OfferedProtocols.in(Unpooled.wrappedBuffer(helloBody));
  }
}
