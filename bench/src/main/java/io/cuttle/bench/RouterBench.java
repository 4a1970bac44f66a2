package io.cuttle.bench;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.SelfSignedCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The router side by side with HAProxy and nginx: one TLS echo backend, one load generator, and
 * rounds that visit every target in turn (each round starting with the next one, so drift in the
 * machine's load spreads over all of them). Run by {@code bench/router.sh}; see BENCHMARKS.md.
 */
public final class RouterBench {
  private static final Set<String> SETTINGS =
      Set.of("rounds", "seconds", "idle", "samples", "threads", "bulk", "targets");

  private RouterBench() {}

  /** What one run does; the defaults are the full run documented in BENCHMARKS.md. */
  record Settings(
      int rounds,
      Duration phase,
      int connectThreads,
      int bulkConnections,
      int latencySamples,
      int idleConnections,
      List<RouterTarget> targets) {
    Settings {
      if (idleConnections > RouterTarget.MAX_PROXY_CONNECTIONS) {
        throw new IllegalArgumentException(
            "--idle: "
                + idleConnections
                + " (expected: at most "
                + RouterTarget.MAX_PROXY_CONNECTIONS
                + ", two sockets each must fit the file limit; figures are scaled to 10,000)");
      }
      targets = List.copyOf(targets);
    }

    static Settings parse(String[] args) {
      BenchArguments arguments = new BenchArguments(args, SETTINGS);
      // Direct is always measured: the added latency of every other target is relative to it.
      EnumSet<RouterTarget> targets = EnumSet.of(RouterTarget.DIRECT);
      for (String name : arguments.text("targets", "direct,cuttle,haproxy,nginx").split(",")) {
        targets.add(RouterTarget.parse(name));
      }
      return new Settings(
          arguments.positiveInt("rounds", 3),
          Duration.ofSeconds(arguments.positiveInt("seconds", 5)),
          arguments.positiveInt("threads", 4),
          arguments.positiveInt("bulk", 4),
          arguments.positiveInt("samples", 5_000),
          arguments.positiveInt("idle", 5_000),
          List.copyOf(targets));
    }
  }

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.parse(args);
    Path dir = Files.createTempDirectory("cuttle-router-bench");
    System.out.println(BenchMachine.describe());
    RouterReport report = run(settings, dir, System.out::println);
    System.out.println(report.render());
    System.out.println(BenchMachine.loadAverage());
  }

  static RouterReport run(Settings settings, Path dir, java.util.function.Consumer<String> progress)
      throws Exception {
    Identity backendIdentity =
        SelfSignedCertificates.create(TlsLoad.SERVER_NAME, List.of(TlsLoad.SERVER_NAME));
    List<RouterFigures> figures = new ArrayList<>();
    try (EchoBackend backend = new EchoBackend(backendIdentity, 2)) {
      // Unmeasured: the load generator and the backend compile their hot code first, or the
      // first target of the first round pays for it.
      TlsLoad warmUp = new TlsLoad(backendIdentity.thumbprint(), backend.port());
      warmUp.connectionsPerSecond(settings.connectThreads(), settings.phase());
      warmUp.throughputMegabytesPerSecond(settings.bulkConnections(), settings.phase());
      warmUp.roundTripNanos(0, settings.latencySamples());
      List<RouterTarget> targets = settings.targets();
      for (int round = 0; round < settings.rounds(); round++) {
        progress.accept(
            "round "
                + (round + 1)
                + " of "
                + settings.rounds()
                + ", "
                + BenchMachine.loadAverage());
        for (int i = 0; i < targets.size(); i++) {
          RouterTarget target = targets.get((i + round) % targets.size());
          RouterFigures measured = measure(settings, target, dir, backend, backendIdentity);
          progress.accept("  " + RouterReport.oneLine(measured));
          figures.add(measured);
        }
      }
    }
    return new RouterReport(figures);
  }

  private static RouterFigures measure(
      Settings settings,
      RouterTarget target,
      Path dir,
      EchoBackend backend,
      Identity backendIdentity)
      throws Exception {
    try (RouterTarget.Running running = target.start(dir, backend.port())) {
      TlsLoad load = new TlsLoad(backendIdentity.thumbprint(), running.port());
      // Memory first, while the target has carried little: the growth is the connections' alone.
      TlsLoad.closeAll(load.openIdle(settings.connectThreads()));
      OptionalDouble idleBytesPer10k = idleBytesPer10k(settings, running, load);
      double connectionsPerSecond =
          load.connectionsPerSecond(settings.connectThreads(), settings.phase());
      double megabytesPerSecond =
          load.throughputMegabytesPerSecond(settings.bulkConnections(), settings.phase());
      long[] roundTrips =
          load.roundTripNanos(settings.latencySamples() / 10, settings.latencySamples());
      return new RouterFigures(
          target,
          connectionsPerSecond,
          megabytesPerSecond,
          percentile(roundTrips, 0.50) / 1e3,
          percentile(roundTrips, 0.99) / 1e3,
          idleBytesPer10k);
    }
  }

  private static OptionalDouble idleBytesPer10k(
      Settings settings, RouterTarget.Running running, TlsLoad load) throws Exception {
    OptionalLong before = running.residentBytes();
    // Opened for the direct run too, though there is no proxy to weigh: thousands of handshakes
    // warm the load generator up, and every target must be measured after the same ones.
    List<TlsLoad.Connection> idle = load.openIdle(settings.idleConnections());
    try {
      if (before.isEmpty()) {
        return OptionalDouble.empty();
      }
      Thread.sleep(500); // let the target settle what each accept allocated
      long after = running.residentBytes().orElseThrow();
      return OptionalDouble.of(
          (after - before.getAsLong()) * 10_000.0 / settings.idleConnections());
    } finally {
      TlsLoad.closeAll(idle);
    }
  }

  /** The value below which {@code fraction} of the sorted samples lie (nearest rank). */
  static long percentile(long[] sorted, double fraction) {
    int rank = (int) Math.ceil(fraction * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
