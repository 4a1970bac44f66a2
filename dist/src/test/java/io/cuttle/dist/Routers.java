package io.cuttle.dist;

import static org.awaitility.Awaitility.await;

import io.cuttle.router.RouterServer;
import io.cuttle.router.config.RouterFile;
import java.time.Duration;

/** Embedded routers for the tests that restart one on the same port. */
public final class Routers {
  private Routers() {}

  /**
   * Starts a router from {@code config} once its port is free: the router it replaces may still
   * hold the port for a moment after closing (or while it drains).
   */
  public static RouterServer startWhenPortIsFree(RouterFile config) {
    RouterServer[] started = new RouterServer[1];
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              started[0] = RouterServer.start(config.router());
              return true;
            });
    return started[0];
  }
}
