package io.cuttle.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * What one server-scale run measured, and the targets beside it. Memory per tentacle is the
 * growth of the server's live heap (after a full collection) and of its resident memory from before
 * the fleet registered to after it connected, divided by the fleet's size.
 */
record ServerScaleFigures(
    int tentacles,
    long heapBytesPerTentacle,
    long residentBytesPerTentacle,
    long idleDispatchP50Nanos,
    long idleDispatchP99Nanos,
    long idleApiCallP50Nanos,
    long loadDispatchP50Nanos,
    long loadDispatchP99Nanos,
    double commandsPerSecond,
    long commandsNotReceived,
    Duration registration,
    Duration connect,
    Duration routerRestart,
    Duration reconnect,
    long refusalsDuringReconnect,
    boolean serverAlive,
    String loadAverage) {
  static final long TARGET_HEAP_FOR_10K = 1L << 30;
  static final double TARGET_IDLE_P99_MILLIS = 20;
  static final double TARGET_COMMANDS_PER_SECOND = 5_000;
  static final Duration TARGET_RECONNECT_10K = Duration.ofSeconds(60);

  String render() {
    double heapFor10k = heapBytesPerTentacle * 10_000.0;
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%n%,d tentacles (%s)%n", tentacles, loadAverage));
    line(out, "server heap per tentacle", kib(heapBytesPerTentacle) + " KiB");
    line(out, "server RSS per tentacle", kib(residentBytesPerTentacle) + " KiB");
    line(
        out,
        "heap for 10,000 (scaled)",
        String.format(Locale.ROOT, "%.0f MiB", heapFor10k / (1 << 20))
            + verdict(heapFor10k <= TARGET_HEAP_FOR_10K, "<= 1 GiB"));
    line(
        out,
        "dispatch at idle p50/p99",
        millis(idleDispatchP50Nanos)
            + " / "
            + millis(idleDispatchP99Nanos)
            + " ms"
            + verdict(idleDispatchP99Nanos / 1e6 <= TARGET_IDLE_P99_MILLIS, "p99 <= 20 ms"));
    line(out, "  of which the API call, p50", millis(idleApiCallP50Nanos) + " ms");
    line(
        out,
        "dispatch under load p50/p99",
        millis(loadDispatchP50Nanos)
            + " / "
            + millis(loadDispatchP99Nanos)
            + " ms"
            + (commandsNotReceived > 0
                ? " (" + commandsNotReceived + " not received within 30 s, left out)"
                : ""));
    line(
        out,
        "no-op commands per second",
        String.format(Locale.ROOT, "%.0f", commandsPerSecond)
            + verdict(commandsPerSecond >= TARGET_COMMANDS_PER_SECOND, ">= 5,000"));
    line(out, "registration (REST API)", seconds(registration) + " s");
    line(out, "first connection of all", seconds(connect) + " s");
    line(out, "router stop and start", seconds(routerRestart) + " s");
    line(
        out,
        "all back, from router stop",
        seconds(reconnect)
            + " s"
            + verdict(reconnect.compareTo(TARGET_RECONNECT_10K) <= 0, "<= 60 s for 10,000")
            + (tentacles < 10_000 ? " (measured at " + tentacles + ")" : ""));
    line(
        out,
        "server refusals / server alive",
        refusalsDuringReconnect + " / " + (serverAlive ? "yes" : "NO"));
    return out.toString();
  }

  private static void line(StringBuilder out, String name, String value) {
    out.append(String.format(Locale.ROOT, "  %-32s %s%n", name, value));
  }

  private static String verdict(boolean met, String target) {
    return "   target " + target + ": " + (met ? "met" : "MISSED");
  }

  private static String kib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1024.0);
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }
}
