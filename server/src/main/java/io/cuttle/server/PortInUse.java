package io.cuttle.server;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/** Turns "address already in use", wherever it is buried, into words that name the port. */
final class PortInUse {
  private PortInUse() {}

  static <T> T explain(String what, InetSocketAddress address, Supplier<T> start) {
    try {
      return start.get();
    } catch (RuntimeException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof BindException) {
          throw new IllegalStateException(
              "cannot listen on the "
                  + what
                  + " "
                  + address.getPort()
                  + " ("
                  + cause.getMessage()
                  + "): is another Cuttle server running? Stop it or choose another port",
              e);
        }
      }
      throw e;
    }
  }
}
