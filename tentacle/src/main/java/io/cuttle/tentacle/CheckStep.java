package io.cuttle.tentacle;

/**
 * One step of {@code cuttle tentacle check}: what was tried, what came of it, and when it failed,
 * what to ask whom for, in plain words.
 */
public record CheckStep(String title, boolean passed, String detail, String advice) {
  static CheckStep pass(String title, String detail) {
    return new CheckStep(title, true, detail, "");
  }

  static CheckStep fail(String title, String detail, String advice) {
    return new CheckStep(title, false, detail, advice);
  }
}
