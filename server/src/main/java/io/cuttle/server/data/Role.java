package io.cuttle.server.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a user, and every API key of theirs, may do through the API. */
public enum Role {
  /** Everything. */
  ADMIN,
  /** Every read (GET), no change. */
  VIEWER;

  /** The lower-case name stored and shown: "admin", "viewer". */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> of(String id) {
    return Arrays.stream(values()).filter(r -> r.id().equals(id)).findFirst();
  }

  public static String known() {
    return String.join(", ", Arrays.stream(values()).map(Role::id).toList());
  }
}
