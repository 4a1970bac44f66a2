package io.cuttle.dist.settings;

import io.cuttle.common.text.DidYouMean;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A settings file: one {@code name = value} per line, where the name is a long option without its
 * dashes; blank lines and {@code #} comments are skipped. A repeatable option may be given on
 * several lines or as one comma-separated value. Anything else is refused with the line it is on,
 * so a typo never silently leaves a setting at its default.
 */
public final class SettingsFile {
  /** One setting's value (several lines joined by commas) and the line it was first given on. */
  public record Entry(String value, int line) {}

  /**
   * What the file may hold: the command ({@code cuttle server}), each setting's name and whether it
   * may repeat, and names refused with a reason of their own.
   */
  public record Rules(
      String command, Map<String, Boolean> repeatableByName, Map<String, String> refused) {}

  // A comment may follow a value after whitespace; a '#' inside a value (no space before) stays.
  private static final Pattern TRAILING_COMMENT = Pattern.compile("\\s+#.*$");

  private final Path path;
  private final Map<String, Entry> entries;

  private SettingsFile(Path path, Map<String, Entry> entries) {
    this.path = path;
    this.entries = entries;
  }

  public Path path() {
    return path;
  }

  /** The entry for {@code name} (no dashes), or null when the file does not set it. */
  public Entry get(String name) {
    return entries.get(name);
  }

  /**
   * Reads {@code path}; {@code where} names who gave the path ({@code --config}, an environment
   * variable) for the sentence saying it cannot be read.
   */
  public static SettingsFile read(Path path, String where, Rules rules) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          where + ": cannot read the settings file " + path + " (" + reason(e) + ")");
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String at = path + " line " + number;
      int equals = line.indexOf('=');
      if (equals < 0) {
        throw new IllegalArgumentException(
            at + " has no '=' (expected: name = value, e.g. port = 8443)");
      }
      String name = line.substring(0, equals).strip();
      String value = unquote(TRAILING_COMMENT.matcher(line.substring(equals + 1)).replaceFirst(""));
      requireKnown(at, name, rules);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(
            at
                + ", "
                + name
                + ": no value (expected: a value after '=', or remove the line to use the"
                + " default)");
      }
      Entry earlier = entries.get(name);
      if (earlier == null) {
        entries.put(name, new Entry(value, number));
      } else if (rules.repeatableByName().get(name)) {
        entries.put(name, new Entry(earlier.value() + "," + value, earlier.line()));
      } else {
        throw new IllegalArgumentException(
            at
                + ", "
                + name
                + ": set again (expected: once; it is first set on line "
                + earlier.line()
                + ")");
      }
    }
    return new SettingsFile(path, entries);
  }

  private static void requireKnown(String at, String name, Rules rules) {
    if (rules.refused().containsKey(name)) {
      throw new IllegalArgumentException(at + ", " + name + ": " + rules.refused().get(name));
    }
    if (!rules.repeatableByName().containsKey(name)) {
      String near = DidYouMean.phrase(name, rules.repeatableByName().keySet());
      throw new IllegalArgumentException(
          at
              + ": '"
              + name
              + "' is not a setting of "
              + rules.command()
              + (near.isEmpty()
                  ? " (expected: a long option without its dashes, as '"
                      + rules.command()
                      + " --help' lists them)"
                  : " (" + near + ")"));
    }
  }

  /** One pair of matching double quotes around a value is taken away, as shells and systemd do. */
  private static String unquote(String value) {
    String stripped = value.strip();
    if (stripped.length() >= 2 && stripped.startsWith("\"") && stripped.endsWith("\"")) {
      return stripped.substring(1, stripped.length() - 1);
    }
    return stripped;
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.getMessage();
  }
}
