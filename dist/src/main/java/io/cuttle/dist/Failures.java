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

  /**
   * The underlying error (Netty's, the JDK's) is for whoever debugs the network, not for the
   * sentence a user reads first: it goes to the debug log, and to the terminal with --verbose.
   */
  private static void showDetail(Exception e, CommandLine commandLine, ServerOptions server) {
    log.debug("Command failed", e);
    if (server != null && server.verbose) {
      commandLine.getErr().println("Detail (--verbose):");
      e.printStackTrace(commandLine.getErr());
    }
  }

  /** The command's server options, when it talks to a server. */
  private static ServerOptions serverOptions(CommandLine commandLine) {
    for (CommandLine.Model.CommandSpec mixin : commandLine.getCommandSpec().mixins().values()) {
      if (mixin.userObject() instanceof ServerOptions server) {
        return server;
      }
    }
    return null;
  }

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
    if (e instanceof ApiException api) {
      ServerOptions server = serverOptions(commandLine);
      String message =
          server == null || api.status() == 0
              ? api.getMessage()
              : new CommandHints(server::connect).rewrite(api.getMessage());
      commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + message);
      showDetail(e, commandLine, server);
      return 1;
    }
    if (e instanceof IllegalArgumentException
        || e instanceof IllegalStateException
        || e instanceof IOException
        || e instanceof ConfigException) {
      commandLine
          .getErr()
          .println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
      showDetail(e, commandLine, serverOptions(commandLine));
      return 1;
    }
    commandLine
        .getErr()
        .println(commandLine.getCommandSpec().qualifiedName() + ": unexpected failure");
    e.printStackTrace(commandLine.getErr());
    return 70;
  }
}
