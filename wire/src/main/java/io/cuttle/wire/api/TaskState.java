package io.cuttle.wire.api;

public enum TaskState {
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Someone cancelled it; every target has ended. */
  CANCELLED;

  public boolean finished() {
    return this != RUNNING;
  }
}
