package io.cuttle.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/** Turns "address already in use", wherever it is buried, into words that name the port. */
final class PortInUse {
  private PortInUse() {}

  static <T> T explain(String what, InetSocketAddress address, Supplier<T> start) {
    try {
      return start.get();
    } catch (Exception e) { // Netty rethrows bind failures unchecked-style, so catch them all
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (isAddressInUse(cause)) {
          throw new IllegalStateException(
              "cannot listen on the "
                  + what
                  + " "
                  + address.getPort()
                  + ": the address is already in use. Is another Cuttle server running? Stop it or"
                  + " choose another port",
              e);
        }
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("cannot start the " + what + ": " + e.getMessage(), e);
    }
  }

  /** The JDK says BindException; Netty's native transport says so only in the message. */
  private static boolean isAddressInUse(Throwable cause) {
    return cause instanceof BindException
        || (cause instanceof IOException
            && cause.getMessage() != null
            && cause.getMessage().contains("Address already in use"));
  }
}
