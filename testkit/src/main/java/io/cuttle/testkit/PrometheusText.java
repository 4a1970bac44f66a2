package io.cuttle.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus {@code /metrics} page, read the way Prometheus reads it: each sample
 * line is a series ({@code name{labels}}) and a value. For tests and benches that check figures
 * moved, and that the series a dashboard or an alert queries exist.
 */
public final class PrometheusText {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");

  private final String text;
  private final Map<String, Double> samples = new LinkedHashMap<>();
  private final Set<String> names = new TreeSet<>();

  public PrometheusText(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (line.startsWith("#") || !sample.find()) {
        continue;
      }
      String labels = sample.group(2) == null ? "" : sample.group(2);
      samples.put(sample.group(1) + labels, parse(sample.group(3)));
      names.add(sample.group(1));
    }
  }

  /** GETs {@code http://<hostPort>/metrics} and reads it; fails unless the answer is 200. */
  public static PrometheusText scrape(String hostPort) throws IOException, InterruptedException {
    HttpResponse<String> response =
        // HTTP/1.1, as Prometheus scrapes: the JDK client would otherwise try an h2c upgrade.
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + hostPort + "/metrics"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET /metrics answered " + response.statusCode() + ": " + response.body());
    }
    return new PrometheusText(response.body());
  }

  private static double parse(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }

  /**
   * The value of one series, written as in the text: {@code cuttle_polls_held} or {@code
   * cuttle_commands_finished_total{outcome="succeeded"}} (labels in the order the page has them).
   */
  public OptionalDouble value(String series) {
    Double value = samples.get(series);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** The value of a series that must be there; 0 is not assumed for a missing one. */
  public double get(String series) {
    return value(series)
        .orElseThrow(() -> new AssertionError("no series " + series + " in the scrape:\n" + text));
  }

  /** The sum of every series of {@code name}, whatever their labels. */
  public double sum(String name) {
    return samples.entrySet().stream()
        .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  /** Every metric name with at least one sample. */
  public Set<String> names() {
    return names;
  }

  public String text() {
    return text;
  }
}
