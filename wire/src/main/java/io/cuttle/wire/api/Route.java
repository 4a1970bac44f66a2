package io.cuttle.wire.api;

/** The door a tentacle's polling connection actually came through, as the server saw it. */
public enum Route {
  ROUTER("443-style via router"),
  LEGACY("legacy port");

  private final String label;

  Route(String label) {
    this.label = label;
  }

  /** The words shown to people, e.g. in the demo and the web UI. */
  public String label() {
    return label;
  }
}
