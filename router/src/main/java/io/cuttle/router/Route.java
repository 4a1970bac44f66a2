package io.cuttle.router;

import java.util.Objects;

/** A named destination; the name appears in logs and statistics ("polling", "web"). */
public record Route(String name, Upstream upstream) {
  public Route {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(upstream, "upstream");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name: '' (expected: a non-blank route name)");
    }
  }
}
