package io.cuttle.server.data;

import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.TaskState;

/**
 * What happens to commands and tasks, told to whoever counts it (the server's metrics) as the
 * stores change them. Called inside the store's transaction, from memory only: an implementation
 * must be cheap and must not touch the database.
 */
public interface CommandEvents {
  /** Counts nothing: stores made without metrics (tests, tools). */
  CommandEvents NONE =
      new CommandEvents() {
        @Override
        public void queued(int commands) {}

        @Override
        public void delivered(long queuedForMillis, boolean firstDelivery) {}

        @Override
        public void acknowledged() {}

        @Override
        public void finished(CommandState outcome, int commands) {}

        @Override
        public void taskFinished(TaskState outcome, long tookMillis) {}

        @Override
        public void outputStored(long bytes) {}
      };

  /** Commands became QUEUED: queued directly, or a deployment's step reached them. */
  void queued(int commands);

  /**
   * A command was handed to a poll; {@code firstDelivery} is false for a redelivery after a lost
   * answer, whose wait says nothing about dispatch.
   */
  void delivered(long queuedForMillis, boolean firstDelivery);

  /** A tentacle acknowledged a command and was told to run it. */
  void acknowledged();

  /** Commands got their one outcome. */
  void finished(CommandState outcome, int commands);

  /** A task ended, this long after it was created. */
  void taskFinished(TaskState outcome, long tookMillis);

  /** Bytes of command output were stored. */
  void outputStored(long bytes);
}
