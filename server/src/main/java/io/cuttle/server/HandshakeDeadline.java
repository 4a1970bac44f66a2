package io.cuttle.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes a connection to one of the server's Armeria listeners that has not finished its TLS
 * handshake (and, on a PROXY port, the PROXY header before it) this long after it was accepted.
 * Armeria sets no such deadline: until then only its idle timeout applies, minutes on the polling
 * listener, so a crowd of clients that connect and stall could hold connections that long.
 *
 * <p>Installed as (part of) Armeria's child channel pipeline customizer, which runs when the
 * connection is accepted, after Armeria has built its pipeline.
 */
public final class HandshakeDeadline implements Consumer<ChannelPipeline> {
  private final long timeoutMillis;

  public HandshakeDeadline(Duration timeout) {
    this.timeoutMillis = timeout.toMillis();
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("handshakeTimeout: " + timeout + " (expected: >= 1ms)");
    }
  }

  @Override
  public void accept(ChannelPipeline pipeline) {
    Channel channel = pipeline.channel();
    ScheduledFuture<?> check =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  if (!handshakeDone(pipeline)) {
                    channel.close();
                  }
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(closed -> check.cancel(false));
  }

  /** Armeria puts the SslHandler in place once the ClientHello (after any PROXY header) is read. */
  private static boolean handshakeDone(ChannelPipeline pipeline) {
    SslHandler ssl = pipeline.get(SslHandler.class);
    return ssl != null && ssl.handshakeFuture().isSuccess();
  }
}
