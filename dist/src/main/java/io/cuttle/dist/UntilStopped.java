package io.cuttle.dist;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a long-running command (server, tentacle, router, demo) alive until the process is asked to
 * stop (Ctrl-C, SIGTERM), then runs its stop action once, before the JVM exits.
 */
final class UntilStopped {
  private UntilStopped() {}

  static void await(Runnable stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.run();
                  stopped.countDown();
                },
                "cuttle-shutdown"));
    stopped.await();
  }
}
