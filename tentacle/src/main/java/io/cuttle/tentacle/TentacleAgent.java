package io.cuttle.tentacle;

import io.cuttle.common.pki.Identity;
import io.cuttle.common.pki.PemFiles;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A running tentacle: polls every server its instance is registered with at once, each over its own
 * connection, so that one server being down or refusing it leaves the others served. See {@link
 * ServerPoller} for what is done with each.
 */
public final class TentacleAgent implements AutoCloseable {
  public static final String VERSION = io.cuttle.common.CuttleVersion.VERSION;

  private final String name;
  private final List<ServerPoller> pollers;

  private TentacleAgent(String name, List<ServerPoller> pollers) {
    this.name = name;
    this.pollers = pollers;
  }

  /** Starts the instance whose home is {@code home}; it must be registered. */
  public static TentacleAgent start(TentacleHome home) throws IOException {
    return start(home, System.getenv());
  }

  /**
   * Starts the instance whose home is {@code home}, reading HTTPS_PROXY and NO_PROXY from {@code
   * environment} when its proxy setting says to.
   */
  public static TentacleAgent start(TentacleHome home, Map<String, String> environment)
      throws IOException {
    TentacleConfig config = TentacleConfig.load(home);
    if (config.activeServers().isEmpty()) {
      throw new IllegalStateException(
          "tentacle instance '"
              + home.instance()
              + "' was deregistered from "
              + config.serverUrl()
              + " at "
              + Instant.ofEpochMilli(config.deregisteredAtMillis())
              + "; register it again with 'cuttle tentacle register --instance "
              + home.instance()
              + " ...'");
    }
    Identity identity = PemFiles.read(home.directory());
    List<ServerPoller> pollers = new ArrayList<>();
    TentacleAgent agent = new TentacleAgent(config.name(), pollers);
    try {
      for (ServerLink server : config.activeServers()) {
        pollers.add(new ServerPoller(config, server, identity, home, environment));
      }
      for (ServerPoller poller : pollers) {
        poller.start();
      }
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  public String name() {
    return name;
  }

  /** Stops polling every server and closes the connections; running scripts are killed. */
  @Override
  public void close() {
    pollers.forEach(ServerPoller::close);
  }
}
