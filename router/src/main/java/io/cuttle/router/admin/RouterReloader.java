package io.cuttle.router.admin;

import io.cuttle.router.RouterServer;
import io.cuttle.router.config.ConfigException;
import io.cuttle.router.config.RouterFile;
import io.cuttle.router.config.RouterFileParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads a router's configuration file and applies its routes and upstreams to new connections;
 * established connections keep the route they were given. A file that does not validate changes
 * nothing. Settings that only a restart can change (listeners, limits, timeouts) are named in a
 * warning and left as they are. Reloads run one at a time.
 */
public final class RouterReloader {
  private static final Logger log = LoggerFactory.getLogger(RouterReloader.class);

  private final Path file;
  private final RouterServer router;
  private RouterFile running;

  public RouterReloader(Path file, RouterServer router, RouterFile running) {
    this.file = file;
    this.router = router;
    this.running = running;
  }

  /** What a reload did, in words an operator can act on. */
  public record Outcome(boolean applied, String message) {}

  public synchronized Outcome reload() {
    RouterFile next;
    try {
      next = RouterFileParser.read(file);
    } catch (ConfigException e) {
      log.error("Reload refused, still routing by the previous configuration: {}", e.getMessage());
      return new Outcome(false, "not reloaded: " + e.getMessage());
    } catch (IOException e) {
      log.error("Reload refused: cannot read {}: {}", file, e.toString());
      return new Outcome(false, "not reloaded: cannot read " + file + ": " + e);
    }
    router.reload(next.router().routes());
    List<String> needRestart = running.router().differencesBesidesRoutes(next.router());
    if (!next.admin().equals(running.admin())) {
      needRestart.add("admin");
    }
    running = next;
    if (needRestart.isEmpty()) {
      return new Outcome(true, "reloaded: " + next.router().routes());
    }
    String message =
        "reloaded routes; changes to "
            + String.join(", ", needRestart)
            + " take effect only after a restart";
    log.warn(message);
    return new Outcome(true, message);
  }
}
