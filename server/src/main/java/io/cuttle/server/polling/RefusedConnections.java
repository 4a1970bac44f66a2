package io.cuttle.server.polling;

import io.cuttle.wire.api.RefusedConnection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polling attempts the server refused. Each thumbprint, address and reason is logged once (a
 * refused tentacle or a misconfigured router retries forever; the log must not fill with it),
 * counted, and kept, newest last, for an admin to see.
 */
public final class RefusedConnections {
  static final String UNTRUSTED_SOURCE = "untrusted proxy source";

  private static final Logger log = LoggerFactory.getLogger(RefusedConnections.class);
  private static final int KEEP = 200;

  private final Map<String, RefusedConnection> attempts =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RefusedConnection> eldest) {
              return size() > KEEP;
            }
          });

  /** Why connections are refused, as the metrics label them; every attempt counts. */
  public static final List<String> REASONS =
      List.of(
          "no_client_certificate",
          "certificate_not_registered",
          "untrusted_proxy_source",
          "tls_handshake_failed");

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  public RefusedConnections() {
    REASONS.forEach(reason -> counts.put(reason, new LongAdder()));
  }

  /** Refused attempts so far for one of {@link #REASONS}, counting repeats. */
  public long count(String reason) {
    LongAdder count = counts.get(reason);
    return count == null ? 0 : count.sum();
  }

  private void count(String reason, String fallback) {
    String label = reason.replace(' ', '_');
    counts.getOrDefault(label, counts.get(fallback)).increment();
  }

  void record(String thumbprint, String address, String reason, long now) {
    count(reason, "certificate_not_registered");
    if (remember(thumbprint, address, reason, now)) {
      log.atWarn()
          .addKeyValue("remote", address)
          .log(
              "Refused polling connection from {}: {} (certificate thumbprint {})",
              address,
              reason,
              thumbprint);
    }
  }

  /**
   * A peer that may not send PROXY headers connected to a routed polling port. The peer itself was
   * only closed; this log line is where the details are.
   */
  void recordUntrustedSource(String address, String door, String trusted, long now) {
    count("untrusted_proxy_source", "untrusted_proxy_source");
    if (remember("-", address, UNTRUSTED_SOURCE, now)) {
      log.atWarn()
          .addKeyValue("remote", address)
          .log(
              "Refused connection from {} to the {}: {} (trusted: {}); closed before reading any"
                  + " PROXY header or TLS. If {} is your router, add it with --trusted-proxy.",
              address,
              door,
              UNTRUSTED_SOURCE,
              trusted,
              address);
    }
  }

  /**
   * A TLS handshake on a polling door failed, e.g. a tentacle refused the server's certificate
   * because it pins an older one. The peer sent no certificate yet (thumbprint "-"); {@code reason}
   * names the door it came through.
   */
  void recordHandshakeFailure(String address, String reason, long now) {
    count("tls_handshake_failed", "tls_handshake_failed");
    if (remember("-", address, reason, now)) {
      log.atWarn()
          .addKeyValue("remote", address)
          .log("Refused polling connection from {}: {}", address, reason);
    }
  }

  /** True the first time this thumbprint, address and reason are seen. */
  private boolean remember(String thumbprint, String address, String reason, long now) {
    String key = thumbprint + " " + address + " " + reason;
    synchronized (attempts) {
      RefusedConnection previous = attempts.get(key);
      attempts.put(
          key,
          new RefusedConnection(
              thumbprint,
              address,
              reason,
              previous == null ? 1 : previous.attempts() + 1,
              previous == null ? now : previous.firstSeenMillis(),
              now));
      return previous == null;
    }
  }

  public List<RefusedConnection> list() {
    synchronized (attempts) {
      return List.copyOf(attempts.values());
    }
  }
}
