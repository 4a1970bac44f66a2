package io.cuttle.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The proxy configurations printed in {@code docs/reverse-proxy.md}. Tests read them from the doc,
 * so what operators copy is exactly what was run. A block is the fenced code block that follows a
 * {@code <!-- tested: NAME -->} line.
 */
final class ReverseProxyDoc {
  static final String RELATIVE_PATH = "docs/reverse-proxy.md";

  private ReverseProxyDoc() {}

  static String testedBlock(String name) throws IOException {
    List<String> lines = Files.readAllLines(locate(), StandardCharsets.UTF_8);
    int marker = lines.indexOf("<!-- tested: " + name + " -->");
    if (marker < 0) {
      throw new AssertionError(RELATIVE_PATH + " has no '<!-- tested: " + name + " -->' line");
    }
    int open = marker + 1;
    if (open >= lines.size() || !lines.get(open).startsWith("```")) {
      throw new AssertionError(
          RELATIVE_PATH + ": a fenced code block must follow '<!-- tested: " + name + " -->'");
    }
    StringBuilder block = new StringBuilder();
    for (int i = open + 1; i < lines.size(); i++) {
      if (lines.get(i).startsWith("```")) {
        return block.toString();
      }
      block.append(lines.get(i)).append('\n');
    }
    throw new AssertionError(RELATIVE_PATH + ": the '" + name + "' code block is never closed");
  }

  /**
   * Replaces the doc's example values (host names, addresses, ports) with the test's. Each value
   * must occur, so a doc edit that renames one makes the test fail instead of testing a config that
   * silently kept the example value.
   */
  static String substitute(String block, String name, Map<String, String> replacements) {
    String result = block;
    for (Map.Entry<String, String> replacement : replacements.entrySet()) {
      if (!result.contains(replacement.getKey())) {
        throw new AssertionError(
            RELATIVE_PATH
                + ": the '"
                + name
                + "' block no longer contains '"
                + replacement.getKey()
                + "'; update ThirdPartyProxiesTest to match the doc:\n"
                + block);
      }
      result = result.replace(replacement.getKey(), replacement.getValue());
    }
    return result;
  }

  /** Maven runs a module's tests in the module folder; the doc is at the repository root. */
  private static Path locate() {
    Path folder = Path.of("").toAbsolutePath();
    while (folder != null) {
      Path candidate = folder.resolve(RELATIVE_PATH);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      folder = folder.getParent();
    }
    throw new AssertionError(RELATIVE_PATH + " not found above " + Path.of("").toAbsolutePath());
  }
}
