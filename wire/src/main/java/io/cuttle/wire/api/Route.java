package io.cuttle.wire.api;

/**
 * The door a tentacle's polling connection actually came through, as the server saw it. The API
 * names it by the constant; people see its {@link #label()}, the same words in the command line,
 * the web UI and the docs.
 */
public enum Route {
  ROUTER("via router"),
  LEGACY("via legacy port");

  private final String label;

  Route(String label) {
    this.label = label;
  }

  /** The words shown to people: {@code cuttle fleet list}, {@code script}, the web UI. */
  public String label() {
    return label;
  }
}
