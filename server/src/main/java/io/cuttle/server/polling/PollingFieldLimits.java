package io.cuttle.server.polling;

import io.cuttle.wire.polling.v1.AgentInfo;
import io.cuttle.wire.polling.v1.ResultReport;
import java.util.Optional;

/**
 * The sizes of the columns a tentacle's words are stored in (db/migration V1: tentacles.version,
 * capabilities, platform; commands.id, message), checked before any SQL, so an oversized field is
 * refused with words naming it instead of failing an insert and logging a server fault.
 */
final class PollingFieldLimits {
  static final int MAX_ID_CHARS = 40;
  static final int MAX_VERSION_CHARS = 50;

  /** The capabilities are stored joined with commas. */
  static final int MAX_CAPABILITIES_CHARS = 2000;

  static final int MAX_PLATFORM_CHARS = 200;
  static final int MAX_RESULT_MESSAGE_CHARS = 2000;

  private PollingFieldLimits() {}

  static Optional<String> commandId(String commandId) {
    return tooLong("command id", commandId.length(), MAX_ID_CHARS);
  }

  static Optional<String> agent(AgentInfo agent) {
    int capabilities = Math.max(0, agent.getCapabilitiesCount() - 1);
    for (String capability : agent.getCapabilitiesList()) {
      capabilities += capability.length();
    }
    int joinedCapabilities = capabilities;
    return tooLong("agent version", agent.getVersion().length(), MAX_VERSION_CHARS)
        .or(() -> tooLong("agent capabilities", joinedCapabilities, MAX_CAPABILITIES_CHARS))
        .or(() -> tooLong("agent platform", agent.getPlatform().length(), MAX_PLATFORM_CHARS));
  }

  static Optional<String> result(ResultReport report) {
    return commandId(report.getCommandId())
        .or(
            () ->
                tooLong("result message", report.getMessage().length(), MAX_RESULT_MESSAGE_CHARS));
  }

  private static Optional<String> tooLong(String field, int length, int max) {
    return length <= max
        ? Optional.empty()
        : Optional.of(field + " has " + length + " characters (expected: at most " + max + ")");
  }
}
