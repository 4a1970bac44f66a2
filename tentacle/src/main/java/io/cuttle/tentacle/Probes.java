package io.cuttle.tentacle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Probes of {@code cuttle tentacle check} that run beside each other. Each runs on a daemon thread
 * of its own: a probe whose answer turns out not to be needed (the path failed before its step) is
 * not waited for, and cannot keep the command's JVM alive until its timeout.
 */
final class Probes {
  private Probes() {}

  static <T> CompletableFuture<T> start(String name, Supplier<T> probe) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                answer.complete(probe.get());
              } catch (Throwable failed) {
                answer.completeExceptionally(failed);
              }
            },
            "cuttle-check " + name);
    thread.setDaemon(true);
    thread.start();
    return answer;
  }

  /** The probe's answer, or what it threw, as if it had been called here. */
  static <T> T join(CompletableFuture<T> probe) {
    try {
      return probe.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
