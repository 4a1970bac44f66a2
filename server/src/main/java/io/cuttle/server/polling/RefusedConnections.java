package io.cuttle.server.polling;

import io.cuttle.wire.api.RefusedConnection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polling attempts refused for an unknown certificate. Each thumbprint and address pair is logged
 * once (a refused tentacle retries forever; the log must not fill with it) and kept, newest last,
 * for an admin to see.
 */
public final class RefusedConnections {
  private static final Logger log = LoggerFactory.getLogger(RefusedConnections.class);
  private static final int KEEP = 200;

  /** One refused attempt, identified by what the peer presented. */
  public record RefusedConnection(
      String thumbprint, String address, long firstSeenMillis, long lastSeenMillis) {}

  private final Map<String, RefusedConnection> attempts =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RefusedConnection> eldest) {
              return size() > KEEP;
            }
          });

  void record(String thumbprint, String address, String reason, long now) {
    String key = thumbprint + " " + address;
    RefusedConnection previous = attempts.get(key);
    attempts.put(
        key,
        new RefusedConnection(
            thumbprint, address, previous == null ? now : previous.firstSeenMillis(), now));
    if (previous == null) {
      log.warn(
          "Refused polling connection from {}: {} (certificate thumbprint {})",
          address,
          reason,
          thumbprint);
    }
  }

  public List<RefusedConnection> list() {
    synchronized (attempts) {
      return List.copyOf(attempts.values());
    }
  }
}
