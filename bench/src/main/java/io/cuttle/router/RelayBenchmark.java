package io.cuttle.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Frame handling once a connection is routed: one chunk read from a leg, counted and written to the
 * other by {@link RelayHandler}, and the read of the next chunk asked for. Both legs are {@link
 * EmbeddedChannel}s, so no socket is timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RelayBenchmark {
  /** A small TLS record (a poll's heartbeat) and a full one (bulk output). */
  @Param({"64", "16384"})
  public int chunkBytes;

  private EmbeddedChannel client;
  private EmbeddedChannel upstream;
  private ByteBuf chunk;
  private long relayed;

  @Setup
  public void setUp() {
    ConnectionRecord record = new ConnectionRecord(new InetSocketAddress(0));
    upstream = new EmbeddedChannel();
    client = new EmbeddedChannel();
    client.pipeline().addLast(new RelayHandler(upstream, record, bytes -> relayed += bytes));
    chunk = PooledByteBufAllocator.DEFAULT.directBuffer(chunkBytes).writeZero(chunkBytes);
  }

  @Benchmark
  public long relayOneChunk() {
    client.writeInbound(chunk.retainedDuplicate());
    ByteBuf forwarded = upstream.readOutbound();
    forwarded.release();
    return relayed;
  }

  @TearDown
  public void tearDown() {
    chunk.release();
    client.finishAndReleaseAll();
    upstream.finishAndReleaseAll();
  }
}
