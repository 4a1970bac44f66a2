package io.cuttle.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The server's Armeria listeners, closed together: each takes about two seconds to stop (its
 * acceptor threads wait out a quiet period), so closing them one after another doubled every
 * restart for nothing.
 */
public final class Listeners implements AutoCloseable {
  /** A listener that stops asynchronously. */
  public interface Listener {
    CompletableFuture<?> closeAsync();
  }

  private final List<Listener> listeners = new ArrayList<>();

  <T extends Listener> T add(T listener) {
    listeners.add(listener);
    return listener;
  }

  @Override
  public void close() {
    CompletableFuture.allOf(
            listeners.stream().map(Listener::closeAsync).toArray(CompletableFuture[]::new))
        .join();
  }
}
