package io.cuttle.dist;

import io.cuttle.router.admin.RouterReloader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads, as operators expect of nginx and HAProxy. The JDK has no supported signal API;
 * {@code sun.misc.Signal} lives on in jdk.unsupported for exactly this use. Where the platform has
 * no HUP (Windows), the admin port's reload is the way.
 */
final class Hangup {
  private static final Logger log = LoggerFactory.getLogger(Hangup.class);

  private Hangup() {}

  static void reloadOn(RouterReloader reloader) {
    try {
      Signal.handle(
          new Signal("HUP"),
          signal -> {
            // Off the signal thread: a reload reads a file and resolves host names.
            Thread thread =
                new Thread(
                    () -> log.info("SIGHUP: {}", reloader.reload().message()),
                    "cuttle-router-reload");
            thread.setDaemon(true);
            thread.start();
          });
    } catch (IllegalArgumentException e) {
      log.info("No SIGHUP on this platform ({}); reload through the admin port", e.getMessage());
    }
  }
}
