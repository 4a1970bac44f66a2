package io.cuttle.router.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One node of a YAML document with its path ({@code routes[0].upstream}) and line, and typed
 * readers that fail with both. SnakeYAML's node tree is used rather than a data binder because it
 * keeps every node's position, which is what makes an error message point at the line.
 */
final class YamlNode {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

  private final String source;
  private final String path;
  private final Node node;

  YamlNode(String source, String path, Node node) {
    this.source = source;
    this.path = path;
    this.node = node;
  }

  int line() {
    return node.getStartMark().getLine() + 1;
  }

  String path() {
    return path;
  }

  ConfigException problem(String message) {
    return new ConfigException(
        source, line(), (path.isEmpty() ? "top level" : path) + ": " + message);
  }

  /** The keys of a mapping, each once, refusing keys outside {@code allowed} (typos, mostly). */
  Map<String, YamlNode> fields(Set<String> allowed) throws ConfigException {
    if (!(node instanceof MappingNode mapping)) {
      throw problem("expected a mapping of " + String.join(", ", allowed));
    }
    Map<String, YamlNode> fields = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      YamlNode key = new YamlNode(source, path, tuple.getKeyNode());
      String name = key.scalar();
      String childPath = path.isEmpty() ? name : path + "." + name;
      if (!allowed.isEmpty() && !allowed.contains(name)) {
        throw new ConfigException(
            source,
            key.line(),
            childPath
                + ": unknown setting (expected one of: "
                + String.join(", ", new TreeSet<>(allowed))
                + ")");
      }
      if (fields.put(name, new YamlNode(source, childPath, tuple.getValueNode())) != null) {
        throw new ConfigException(source, key.line(), childPath + ": given twice");
      }
    }
    return fields;
  }

  /** A mapping whose keys are names the operator chose (upstream names, say). */
  Map<String, YamlNode> namedEntries() throws ConfigException {
    return fields(Set.of());
  }

  /** A sequence's items; a single scalar counts as a list of one. */
  List<YamlNode> items() throws ConfigException {
    if (node instanceof ScalarNode) {
      return List.of(new YamlNode(source, path + "[0]", node));
    }
    if (!(node instanceof SequenceNode sequence)) {
      throw problem("expected a list");
    }
    List<YamlNode> items = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      items.add(new YamlNode(source, path + "[" + items.size() + "]", item));
    }
    return items;
  }

  String scalar() throws ConfigException {
    if (!(node instanceof ScalarNode scalar)) {
      throw problem("expected a single value");
    }
    return scalar.getValue().trim();
  }

  /** {@code HOST:PORT}, {@code [v6]:PORT}; the host is resolved now, so a typo fails at start. */
  InetSocketAddress address() throws ConfigException {
    String text = scalar();
    try {
      InetSocketAddress address = HostPort.parse(text);
      if (address.isUnresolved()) {
        throw problem("'" + text + "': cannot resolve " + address.getHostString());
      }
      return address;
    } catch (IllegalArgumentException e) {
      throw problem(e.getMessage());
    }
  }

  int integer(long min, long max) throws ConfigException {
    String text = scalar();
    try {
      long value = Long.parseLong(text);
      if (value < min || value > max) {
        throw problem(value + " (expected: " + min + " to " + max + ")");
      }
      return (int) value;
    } catch (NumberFormatException e) {
      throw problem("'" + text + "' (expected: a whole number)");
    }
  }

  double number(double min) throws ConfigException {
    String text = scalar();
    try {
      double value = Double.parseDouble(text);
      if (!(value >= min) || Double.isInfinite(value)) {
        throw problem(text + " (expected: >= " + min + ")");
      }
      return value;
    } catch (NumberFormatException e) {
      throw problem("'" + text + "' (expected: a number)");
    }
  }

  boolean bool() throws ConfigException {
    String text = scalar().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw problem("'" + text + "' (expected: true or false)");
    };
  }

  /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}; a bare number is seconds; 0 is zero. */
  Duration duration() throws ConfigException {
    String text = scalar().toLowerCase(Locale.ROOT);
    Matcher matcher = DURATION.matcher(text);
    if (!matcher.matches() || matcher.group(1).length() > 9) {
      throw problem("'" + text + "' (expected: a duration such as 500ms, 10s, 5m or 1h)");
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofSeconds(amount);
    };
  }

  static Optional<YamlNode> optional(Map<String, YamlNode> fields, String name) {
    return Optional.ofNullable(fields.get(name));
  }

  static YamlNode required(YamlNode parent, Map<String, YamlNode> fields, String name)
      throws ConfigException {
    YamlNode field = fields.get(name);
    if (field == null) {
      throw parent.problem("'" + name + "' is missing");
    }
    return field;
  }
}
