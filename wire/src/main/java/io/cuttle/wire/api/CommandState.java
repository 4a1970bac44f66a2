package io.cuttle.wire.api;

/** Where one command stands, from queued to its outcome. */
public enum CommandState {
  /** Waiting for its tentacle to collect it. */
  QUEUED,
  /** Handed to a poll; waiting for the tentacle to acknowledge. */
  DISPATCHED,
  /** Acknowledged; the tentacle is running it. */
  RUNNING,
  SUCCEEDED,
  FAILED;

  public boolean finished() {
    return this == SUCCEEDED || this == FAILED;
  }
}
