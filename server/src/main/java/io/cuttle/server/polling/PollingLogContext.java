package io.cuttle.server.polling;

import io.cuttle.common.text.LogSafe;
import org.slf4j.MDC;

/**
 * Names the calling tentacle, its address and how it reached the server in the MDC while a polling
 * call is handled, so every line logged meanwhile says whose call it was (fields of their own with
 * {@code --log-format json}).
 */
final class PollingLogContext implements AutoCloseable {
  private PollingLogContext() {}

  static PollingLogContext of(AuthenticatedTentacle caller, String commandId) {
    if (caller != null) {
      MDC.put("tentacle", caller.name());
      MDC.put("remote", caller.address());
      MDC.put("route", String.valueOf(caller.route()).toLowerCase(java.util.Locale.ROOT));
    }
    if (commandId != null && !commandId.isEmpty()) {
      MDC.put("command", LogSafe.of(commandId));
    }
    return new PollingLogContext();
  }

  @Override
  public void close() {
    MDC.remove("tentacle");
    MDC.remove("remote");
    MDC.remove("route");
    MDC.remove("command");
  }
}
