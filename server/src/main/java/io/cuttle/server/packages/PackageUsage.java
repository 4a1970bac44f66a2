package io.cuttle.server.packages;

import java.util.List;

/**
 * What still needs a package, asked before it is deleted: the server answers with the releases that
 * deploy it. Each answer is a short description a person recognises ("release 1.4 of Acme").
 */
@FunctionalInterface
public interface PackageUsage {
  /** For a store whose packages nothing uses: deleting one is always allowed. */
  PackageUsage NONE = coordinates -> List.of();

  List<String> usersOf(PackageCoordinates coordinates);
}
