package io.cuttle.router;

import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the router learns about one connection as it goes, written as one access-log line when the
 * connection closes: client, SNI, route, upstream, bytes each way, duration, close reason.
 */
final class ConnectionRecord {
  private static final Logger access = LoggerFactory.getLogger("cuttle.router.access");

  /** Where a client channel keeps its record, so shutdown can say why it closed it. */
  static final AttributeKey<ConnectionRecord> KEY =
      AttributeKey.valueOf(ConnectionRecord.class, "record");

  private final SocketAddress client;
  private final long startNanos = System.nanoTime();
  final LongAdder bytesFromClient = new LongAdder();
  final LongAdder bytesToClient = new LongAdder();
  private final AtomicBoolean logged = new AtomicBoolean();
  volatile String serverName;
  volatile List<String> offeredProtocols = List.of();
  volatile InetSocketAddress endpoint;
  volatile Route route;
  volatile CloseReason closeReason;

  ConnectionRecord(SocketAddress client) {
    this.client = client;
  }

  /** Keeps the first reason given: later ones are consequences of it. */
  void closing(CloseReason reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
  }

  void logClosed() {
    if (!logged.compareAndSet(false, true)) {
      return;
    }
    String sni = serverName == null ? "-" : serverName;
    String alpn = offeredProtocols.isEmpty() ? "-" : String.join(",", offeredProtocols);
    String routeName = route == null ? "-" : route.name();
    String upstream = endpoint == null ? "-" : endpoint.toString();
    long bytesIn = bytesFromClient.sum();
    long bytesOut = bytesToClient.sum();
    long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
    CloseReason close = closeReason == null ? CloseReason.CLOSED : closeReason;
    // The same facts as fields of their own, for --log-format json; the text line is unchanged.
    access
        .atInfo()
        .addKeyValue("remote", withoutSlash(client))
        .addKeyValue("sni", sni)
        .addKeyValue("alpn", alpn)
        .addKeyValue("route", routeName)
        .addKeyValue("upstream", endpoint == null ? "-" : withoutSlash(endpoint))
        .addKeyValue("bytes_in", bytesIn)
        .addKeyValue("bytes_out", bytesOut)
        .addKeyValue("duration_ms", durationMs)
        .addKeyValue("close", close)
        .log(
            "client={} sni={} alpn={} route={} upstream={} bytes_in={} bytes_out={}"
                + " duration_ms={} close={}",
            client,
            sni,
            alpn,
            routeName,
            upstream,
            bytesIn,
            bytesOut,
            durationMs,
            close);
  }

  /** An address without a host name prints as "/IP:PORT"; a field holds just IP:PORT. */
  private static String withoutSlash(SocketAddress address) {
    String text = String.valueOf(address);
    return text.startsWith("/") ? text.substring(1) : text;
  }
}
