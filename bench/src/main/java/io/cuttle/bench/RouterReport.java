package io.cuttle.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * The router bench's result: per target the median over rounds of each figure, latency as added to
 * the direct run of the same round, then each figure as a ratio to HAProxy's and the router's
 * targets, met or missed.
 */
final class RouterReport {
  static final double TARGET_ADDED_P99_MICROS = 50;

  private final List<RouterFigures> rounds;
  private final Map<RouterTarget, Summary> summaries = new EnumMap<>(RouterTarget.class);

  RouterReport(List<RouterFigures> rounds) {
    this.rounds = List.copyOf(rounds);
    List<RouterFigures> direct = of(RouterTarget.DIRECT);
    for (RouterTarget target : RouterTarget.values()) {
      List<RouterFigures> measured = of(target);
      if (measured.isEmpty()) {
        continue;
      }
      List<Double> addedP50 = new ArrayList<>();
      List<Double> addedP99 = new ArrayList<>();
      for (int i = 0; i < measured.size() && i < direct.size(); i++) {
        addedP50.add(measured.get(i).p50Micros() - direct.get(i).p50Micros());
        addedP99.add(measured.get(i).p99Micros() - direct.get(i).p99Micros());
      }
      double[] idle =
          measured.stream()
              .map(RouterFigures::idleBytesPer10k)
              .filter(OptionalDouble::isPresent)
              .mapToDouble(OptionalDouble::getAsDouble)
              .toArray();
      summaries.put(
          target,
          new Summary(
              median(measured, RouterFigures::connectionsPerSecond),
              median(measured, RouterFigures::megabytesPerSecond),
              median(measured, RouterFigures::p50Micros),
              median(measured, RouterFigures::p99Micros),
              median(addedP50.stream().mapToDouble(Double::doubleValue).toArray()),
              median(addedP99.stream().mapToDouble(Double::doubleValue).toArray()),
              idle.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(median(idle))));
    }
  }

  /** The medians for one target. Added latencies are relative to the direct run, per round. */
  record Summary(
      double connectionsPerSecond,
      double megabytesPerSecond,
      double p50Micros,
      double p99Micros,
      double addedP50Micros,
      double addedP99Micros,
      OptionalDouble idleMegabytesPer10k) {
    Summary {
      idleMegabytesPer10k =
          idleMegabytesPer10k.isPresent()
              ? OptionalDouble.of(idleMegabytesPer10k.getAsDouble() / 1e6)
              : idleMegabytesPer10k;
    }
  }

  Map<RouterTarget, Summary> summaries() {
    return summaries;
  }

  static String oneLine(RouterFigures f) {
    return String.format(
        Locale.ROOT,
        "%-14s %9.0f conn/s %8.1f MB/s  rtt p50 %7.1f us  p99 %7.1f us  idle %s",
        f.target().displayName(),
        f.connectionsPerSecond(),
        f.megabytesPerSecond(),
        f.p50Micros(),
        f.p99Micros(),
        f.idleBytesPer10k().isPresent()
            ? String.format(Locale.ROOT, "%.1f MB/10k", f.idleBytesPer10k().getAsDouble() / 1e6)
            : "-");
  }

  String render() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%nmedians of %d round(s)%n%-14s %10s %9s %15s %15s %14s%n",
            rounds.size() / Math.max(1, summaries.size()),
            "target",
            "conn/s",
            "MB/s",
            "added p50 us",
            "added p99 us",
            "MB/10k idle"));
    summaries.forEach(
        (target, s) ->
            out.append(
                String.format(
                    Locale.ROOT,
                    "%-14s %10.0f %9.1f %15.1f %15.1f %14s%n",
                    target.displayName(),
                    s.connectionsPerSecond(),
                    s.megabytesPerSecond(),
                    s.addedP50Micros(),
                    s.addedP99Micros(),
                    s.idleMegabytesPer10k().isPresent()
                        ? String.format(Locale.ROOT, "%.1f", s.idleMegabytesPer10k().getAsDouble())
                        : "-")));
    Summary haproxy = summaries.get(RouterTarget.HAPROXY);
    if (haproxy != null) {
      out.append(String.format(Locale.ROOT, "%nratio to haproxy%n"));
      summaries.forEach(
          (target, s) ->
              out.append(
                  String.format(
                      Locale.ROOT,
                      "%-14s %10s %9s %15s %15s %14s%n",
                      target.displayName(),
                      ratio(s.connectionsPerSecond(), haproxy.connectionsPerSecond()),
                      ratio(s.megabytesPerSecond(), haproxy.megabytesPerSecond()),
                      ratio(s.addedP50Micros(), haproxy.addedP50Micros()),
                      ratio(s.addedP99Micros(), haproxy.addedP99Micros()),
                      s.idleMegabytesPer10k().isPresent()
                              && haproxy.idleMegabytesPer10k().isPresent()
                          ? ratio(
                              s.idleMegabytesPer10k().getAsDouble(),
                              haproxy.idleMegabytesPer10k().getAsDouble())
                          : "-")));
    }
    Summary cuttle = summaries.get(RouterTarget.CUTTLE);
    if (cuttle != null && haproxy != null) {
      out.append(String.format(Locale.ROOT, "%ncuttle router against its targets%n"));
      verdict(
          out,
          "conn/s >= haproxy",
          cuttle.connectionsPerSecond() >= haproxy.connectionsPerSecond());
      verdict(out, "MB/s >= haproxy", cuttle.megabytesPerSecond() >= haproxy.megabytesPerSecond());
      verdict(
          out,
          "added p99 <= " + (int) TARGET_ADDED_P99_MICROS + " us",
          cuttle.addedP99Micros() <= TARGET_ADDED_P99_MICROS);
      verdict(
          out,
          "idle memory <= haproxy",
          cuttle.idleMegabytesPer10k().orElse(Double.NaN)
              <= haproxy.idleMegabytesPer10k().orElse(Double.NaN));
    }
    return out.toString();
  }

  private static void verdict(StringBuilder out, String target, boolean met) {
    out.append(String.format(Locale.ROOT, "  %-24s %s%n", target, met ? "met" : "MISSED"));
  }

  /** A ratio is meaningless against a reference at or below zero (an added latency in noise). */
  private static String ratio(double value, double reference) {
    return reference > 0 ? String.format(Locale.ROOT, "%.2f", value / reference) : "n/a";
  }

  private List<RouterFigures> of(RouterTarget target) {
    return rounds.stream().filter(f -> f.target() == target).toList();
  }

  private static double median(List<RouterFigures> figures, ToDoubleFunction<RouterFigures> f) {
    return median(figures.stream().mapToDouble(f).toArray());
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
