package io.cuttle.wire.api;

public enum TaskState {
  RUNNING,
  SUCCEEDED,
  FAILED;

  public boolean finished() {
    return this != RUNNING;
  }
}
