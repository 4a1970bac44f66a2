package io.cuttle.server.data;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cuttle.wire.polling.v1.Command;
import java.util.Base64;
import org.jdbi.v3.core.Handle;

/** How a command is kept in its row: the protobuf, sealed when it carries sensitive values. */
final class StoredCommands {
  private StoredCommands() {}

  static Command payloadOf(Handle h, Secrets secrets, String commandId) {
    return decode(
        secrets,
        h.createQuery("SELECT payload FROM commands WHERE id = :id")
            .bind("id", commandId)
            .mapTo(String.class)
            .one());
  }

  static Command decode(Secrets secrets, String payload) {
    try {
      return Command.parseFrom(
          Secrets.isSealed(payload) ? secrets.open(payload) : Base64.getDecoder().decode(payload));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored command is unreadable: " + e.getMessage(), e);
    }
  }
}
