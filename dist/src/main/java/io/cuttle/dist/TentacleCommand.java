package io.cuttle.dist;

import io.cuttle.client.ApiException;
import io.cuttle.dist.logging.LogFormat;
import io.cuttle.dist.settings.Layout;
import io.cuttle.dist.settings.SettingSources;
import io.cuttle.tentacle.Registration;
import io.cuttle.tentacle.TentacleAgent;
import io.cuttle.tentacle.TentacleConfig;
import io.cuttle.tentacle.TentacleHome;
import io.cuttle.tentacle.TentacleProxy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "tentacle",
    mixinStandardHelpOptions = true,
    description = "Registers and runs tentacles, the agents on deployment targets.",
    subcommands = {
      TentacleCommand.Register.class,
      TentacleCommand.Run.class,
      TentaclePollServerCommand.class,
      TentacleCheckCommand.class,
      TentacleCommand.PollingProxy.class,
      TentacleConfigureCommand.class,
      TentacleCreateInstanceCommand.class,
      TentacleNewCertificateCommand.class,
      TentacleRotateCertificateCommand.class,
      TentacleShowThumbprintCommand.class,
      TentacleListInstancesCommand.class,
      TentacleDeregisterCommand.class,
      TentacleServiceCommand.class
    })
final class TentacleCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every instance command takes. */
  static final class InstanceOptions {
    @Option(
        names = "--instance",
        required = true,
        description = "Name of the tentacle instance on this machine.")
    String instance;

    @Option(
        names = "--home",
        description =
            "Folder holding all instances (default: $CUTTLE_HOME/tentacles or ~/.cuttle/tentacles).")
    Path base;

    TentacleHome home() {
      return TentacleHome.of(instance, base);
    }

    /** The command that runs this instance, with every option needed to find it. */
    String runCommand() {
      return "cuttle tentacle run --instance "
          + instance
          + (base == null ? "" : " --home " + base.toAbsolutePath());
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Makes this instance's key and certificate if missing, registers it with the server, and "
            + "pins the server's polling thumbprint."
      })
  static final class Register implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin InstanceOptions instance;

    @Option(
        names = "--name",
        description = "Name shown on the server (default: the instance name).")
    String name;

    @CommandLine.Mixin ServerOptions server;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Comms comms;

    static final class Comms {
      @Option(
          names = "--comms-address",
          description = {
            "Poll through the public port, by the server's polling name.",
            "For example: https://polling.example.com:443"
          })
      String address;

      @Option(
          names = "--comms-port",
          description = "Poll the server's legacy polling port, e.g. 10943")
      Integer port;
    }

    @Option(
        names = "--environment",
        required = true,
        description = "Environment this target belongs to.")
    String environment;

    @Option(
        names = "--create-environment",
        description = "Add the environment if the server has none of that name.")
    boolean createEnvironment;

    @Option(names = "--role", arity = "1..*", description = "Roles of this target (repeatable).")
    List<String> roles = List.of();

    @Option(
        names = "--no-verify",
        description = "Register even if the polling address fails its check (warn only).")
    boolean noVerify;

    @Option(
        names = "--force",
        description = "Replace a registration of the same name with another certificate.")
    boolean force;

    @CommandLine.Mixin ProxyOptions proxy;

    @Option(
        names = "--token",
        description = {
          "One-time registration token from an admin (POST /api/registration-tokens), instead of an "
              + "API key."
        })
    String token;

    @Override
    public Integer call() throws Exception {
      TentacleProxy chosenProxy = proxy.chosen();
      PollingAddressVerification verification =
          new PollingAddressVerification(
              server.url, server.thumbprint(), noVerify, spec.commandLine().getErr());
      TentacleConfig config;
      try {
        config =
            Registration.register(
                new Registration.Request(
                    instance.home(),
                    name == null ? instance.instance : name,
                    server.url,
                    credential(spec, server, token),
                    comms.address,
                    comms.port,
                    environment,
                    roles,
                    server.thumbprint(),
                    force,
                    chosenProxy,
                    createEnvironment),
                verification);
      } catch (ApiException e) {
        throw UnknownEnvironment.inCommandWords(e);
      }
      var out = spec.commandLine().getOut();
      out.println("Registered tentacle '" + config.name() + "' (" + config.tentacleId() + ").");
      out.println("  Polls:             " + config.pollingUrl());
      out.println("  Polling check:     " + verification.outcome());
      out.println("  Pinned server:     " + config.serverThumbprint());
      out.println("  Connects:          " + config.proxySetting().describe());
      out.println("  Home:              " + instance.home().directory());
      out.println("Start it with: " + instance.runCommand());
      return 0;
    }

    /** The server's refusal of an unknown environment, with the option that adds one. */
    static final class UnknownEnvironment {
      private UnknownEnvironment() {}

      static ApiException inCommandWords(ApiException e) {
        String message = e.getMessage();
        if (e.status() != 404 || message == null || !message.contains("createEnvironment")) {
          return e;
        }
        return new ApiException(
            e.status(),
            message.replace(
                "to add it, register with createEnvironment: true",
                "to add it, pass --create-environment ('cuttle environment list' lists them)"));
      }
    }

    /** The token when one is given (it goes where the API key would), otherwise the API key. */
    static String credential(
        CommandLine.Model.CommandSpec spec, ServerOptions server, String token) {
      if (token == null) {
        return server.requireApiKey();
      }
      if (spec.commandLine().getParseResult().hasMatchedOption("--api-key")) {
        throw new IllegalArgumentException("give --api-key or --token, not both");
      }
      if (!token.startsWith("cuttle_rt_")) {
        // Not echoed: it may be a secret pasted into the wrong option.
        throw new IllegalArgumentException(
            "--token: not a registration token (expected: cuttle_rt_ followed by the rest,"
                + " as POST /api/registration-tokens returns it)");
      }
      return token;
    }
  }

  @Command(
      name = "polling-proxy",
      mixinStandardHelpOptions = true,
      description = {
        "Sets how a registered instance reaches its server: through an HTTP proxy (--proxy), "
            + "directly (--no-proxy), or as HTTPS_PROXY and NO_PROXY say (--system-proxy).",
        "A running instance picks the change up when it is restarted."
      })
  static final class PollingProxy implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin InstanceOptions instance;
    @CommandLine.Mixin ProxyOptions proxy;

    @Override
    public Integer call() throws Exception {
      TentacleProxy chosen = proxy.chosen();
      if (chosen == null) {
        throw new IllegalArgumentException("give one of --proxy URL, --no-proxy or --system-proxy");
      }
      TentacleHome home = instance.home();
      TentacleConfig.load(home).withProxy(chosen).save(home);
      spec.commandLine()
          .getOut()
          .println(
              "Tentacle instance '"
                  + instance.instance
                  + "' now connects "
                  + chosen.describe()
                  + ". Restart it for a running instance to use this.");
      return 0;
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Polls the server and runs what it is given.")
  static final class Run implements Callable<Integer> {
    /**
     * CUTTLE_TENTACLE_* variables and --config, for a service's unit or a container. A script a
     * tentacle runs gets CUTTLE_TENTACLE_NAME; it may start another instance, so that variable is
     * no misspelt setting.
     */
    static final Layout SETTINGS =
        Layout.of("TENTACLE", "--config").knowing("CUTTLE_TENTACLE_NAME");

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin InstanceOptions instance;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description = {
          "Settings file: one 'name = value' per line, the names being the options here without "
              + "their dashes (instance = web-1). An option beats its environment variable, which "
              + "beats the file; see docs/configuration.md."
        })
    Path config;

    @CommandLine.Mixin LogFormatOption logFormat;

    @Override
    public Integer call() throws Exception {
      logFormat.apply();
      TentacleHome home;
      try {
        home = instance.home();
      } catch (IllegalArgumentException e) {
        // TentacleHome says --instance; the name may have come from the environment or a file.
        throw new IllegalArgumentException(
            e.getMessage()
                .replaceFirst("^--instance", SettingSources.of(spec).label("--instance")));
      }
      LogFormat.name("tentacle", home.instance());
      TentacleAgent agent = TentacleAgent.start(home);
      UntilStopped.await(agent::close);
      return 0;
    }
  }
}
