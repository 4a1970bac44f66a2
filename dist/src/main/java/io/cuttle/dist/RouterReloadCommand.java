package io.cuttle.dist;

import io.cuttle.router.config.RouterFile;
import io.cuttle.router.config.RouterFileParser;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
      "Asks a running router to re-read its configuration file through its admin port.",
      "New connections take the new routes; established ones keep theirs. A file that does not "
          + "validate changes nothing, and the error says where it is."
    })
final class RouterReloadCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The running router's file; its 'admin:' address is where to ask.")
  Path config;

  @Option(
      names = "--admin",
      paramLabel = "HOST:PORT",
      description = "The running router's admin address, if not from --config.")
  String admin;

  @Override
  public Integer call() throws Exception {
    InetSocketAddress target = adminAddress();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + RouterCommand.hostPort(target) + "/reload"))
                  .timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "no router answers on its admin port "
              + RouterCommand.hostPort(target)
              + " ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "); is it running, with 'admin:' in its file?");
    }
    boolean ok = response.statusCode() == 200;
    (ok ? spec.commandLine().getOut() : spec.commandLine().getErr()).print(response.body());
    spec.commandLine().getOut().flush();
    spec.commandLine().getErr().flush();
    return ok ? 0 : 1;
  }

  private InetSocketAddress adminAddress() throws Exception {
    if (admin != null) {
      return RouterCommand.address("--admin", admin);
    }
    if (config == null) {
      throw new IllegalArgumentException("give --config FILE or --admin HOST:PORT");
    }
    RouterFile file = RouterFileParser.read(config);
    return file.admin()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    config
                        + " has no 'admin:' address, so the router cannot be asked to reload;"
                        + " send it SIGHUP instead (kill -HUP <pid>)"));
  }
}
