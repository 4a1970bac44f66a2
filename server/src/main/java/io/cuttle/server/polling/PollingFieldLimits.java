package io.cuttle.server.polling;

import io.cuttle.server.data.Column;
import io.cuttle.wire.polling.v1.AgentInfo;
import io.cuttle.wire.polling.v1.ResultReport;
import java.util.Optional;

/**
 * The sizes of the columns a tentacle's words are stored in ({@link Column}: tentacles.version,
 * capabilities, platform; commands.id, message), checked before any SQL, so an oversized field is
 * refused with words naming it instead of failing an insert and logging a server fault.
 */
final class PollingFieldLimits {
  static final int MAX_ID_CHARS = Column.COMMANDS_ID.maxChars();
  static final int MAX_VERSION_CHARS = Column.TENTACLES_VERSION.maxChars();

  /** The capabilities are stored joined with commas. */
  static final int MAX_CAPABILITIES_CHARS = Column.TENTACLES_CAPABILITIES.maxChars();

  static final int MAX_PLATFORM_CHARS = Column.TENTACLES_PLATFORM.maxChars();
  static final int MAX_RESULT_MESSAGE_CHARS = Column.COMMANDS_MESSAGE.maxChars();

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
