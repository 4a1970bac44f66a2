package io.cuttle.dist;

import io.cuttle.client.ApiException;
import io.cuttle.router.config.ConfigException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Expected failures (bad input, an unreachable or refusing server, a busy port) print one line that
 * says what is wrong and exit 1; the stack trace goes to the debug log only. Anything else is a bug
 * and is shown in full.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
    if (e instanceof ApiException
        || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException
        || e instanceof IOException
        || e instanceof ConfigException) {
      commandLine
          .getErr()
          .println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
      log.debug("Command failed", e);
      return 1;
    }
    commandLine
        .getErr()
        .println(commandLine.getCommandSpec().qualifiedName() + ": unexpected failure");
    e.printStackTrace(commandLine.getErr());
    return 70;
  }
}
