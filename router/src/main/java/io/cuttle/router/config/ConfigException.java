package io.cuttle.router.config;

/**
 * A router configuration that cannot work, with the file and line where the problem is, so the
 * message alone tells an operator what to fix: {@code router.yaml:12: routes[0].upstream: 'pollng'
 * is not defined (defined: polling, web)}.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  ConfigException(String source, int line, String problem) {
    super(source + (line > 0 ? ":" + line : "") + ": " + problem);
  }
}
