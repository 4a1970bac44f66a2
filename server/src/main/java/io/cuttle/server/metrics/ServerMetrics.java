package io.cuttle.server.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The server's metrics, one registry per server, scraped as Prometheus text on the admin listener.
 * Every figure is read from memory the parts already keep (counters bumped as things happen, gauges
 * over live state); the one exception, the fleet's registered and offline counts, is a single count
 * query run once per scrape ({@link #beforeEachScrape}), not per meter.
 */
public final class ServerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
  private final List<Supplier<String>> alsoScrape = new CopyOnWriteArrayList<>();

  public ServerMetrics() {
    // Armeria registers its own meters in the web server's registry (connections, TLS gauges
    // for a certificate the server's own gauges cover): the request meters it makes under
    // cuttle.http.server are the ones worth having.
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("armeria."));
    // Armeria's request timers come with nine client-side percentiles each, per API operation
    // and status: thousands of series that cannot be summed across nodes. Count and sum remain.
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().startsWith("cuttle.http.server.")
                    ? DistributionStatisticConfig.builder()
                        .percentiles(new double[0])
                        .build()
                        .merge(config)
                    : config;
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Runs {@code refresh} before each scrape, for figures read once per scrape. */
  public void beforeEachScrape(Runnable refresh) {
    beforeScrape.add(refresh);
  }

  /**
   * Appends another registry's Prometheus text to every scrape: the built-in router keeps its own
   * (the standalone router serves the same one), whose names do not clash with the server's.
   */
  public void alsoScrape(Supplier<String> text) {
    alsoScrape.add(text);
  }

  /** Every metric in the Prometheus text format (0.0.4). */
  public String scrape() {
    beforeScrape.forEach(Runnable::run);
    StringBuilder text = new StringBuilder(registry.scrape());
    for (Supplier<String> more : alsoScrape) {
      text.append(more.get());
    }
    return text.toString();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
