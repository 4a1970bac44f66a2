package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A command that makes its calls over one connection to the server's REST API (the {@link
 * ServerOptions} options) and prints what they answered: list, show, create, change, delete. Its
 * failures (a refusal, an unreachable server) become the command's error message.
 */
abstract class ApiCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin ServerOptions server;

  /** Makes the calls and prints to {@code out} what the user should see. */
  abstract void run(ApiClient api, PrintWriter out) throws Exception;

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (ApiClient api = server.connect()) {
      run(api, out);
      out.flush();
      return 0;
    }
  }
}
