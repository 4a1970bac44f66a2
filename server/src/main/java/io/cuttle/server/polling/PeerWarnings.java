package io.cuttle.server.polling;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Rate-limits the warnings one peer causes: the first in a minute is logged, the rest are counted,
 * and the next one logged after the minute says how many were left out. A hostile tentacle sending
 * refused calls in a loop then adds a line a minute to the log, not one a call.
 */
final class PeerWarnings {
  private static final long WINDOW_MILLIS = 60_000;

  /** Peers remembered; beyond it the longest quiet is forgotten (and may log once more). */
  private static final int KEEP = 1000;

  private final Logger log;
  private final Clock clock;
  private final Map<String, Window> windows =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
          return size() > KEEP;
        }
      };

  PeerWarnings(Logger log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  private static final class Window {
    long startMillis;
    long suppressed;
  }

  /**
   * Logs {@code message} (already made safe with LogSafe) unless this peer caused a warning of this
   * kind this minute.
   */
  void warn(String peer, String kind, String message) {
    long now = clock.millis();
    long suppressed;
    String key = peer + " " + kind;
    synchronized (windows) {
      Window window = windows.get(key);
      if (window != null && now - window.startMillis < WINDOW_MILLIS) {
        window.suppressed++;
        return;
      }
      suppressed = window == null ? 0 : window.suppressed;
      Window fresh = new Window();
      fresh.startMillis = now;
      windows.put(key, fresh);
    }
    if (suppressed == 0) {
      log.warn("{}", message);
    } else {
      log.warn(
          "{} (and {} more like it from {} since the last one logged)", message, suppressed, peer);
    }
  }
}
