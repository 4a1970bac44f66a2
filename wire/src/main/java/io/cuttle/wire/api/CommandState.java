package io.cuttle.wire.api;

/** Where one command stands, from queued to its outcome. */
public enum CommandState {
  /** A later part of a deployment: queued when its step is reached and its window allows. */
  PENDING,
  /** Waiting for its tentacle to collect it. */
  QUEUED,
  /** Handed to a poll; waiting for the tentacle to acknowledge. */
  DISPATCHED,
  /** Acknowledged; the tentacle is running it. */
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Stopped on request: never delivered, or killed on its tentacle with all it started. */
  CANCELLED;

  public boolean finished() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
