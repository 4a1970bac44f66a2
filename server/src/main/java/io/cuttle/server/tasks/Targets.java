package io.cuttle.server.tasks;

import io.cuttle.server.data.TentacleRecord;
import io.cuttle.server.web.ApiException;
import java.util.List;

/** The registered tentacles a request's filter matches: environment, roles and names. */
final class Targets {
  private Targets() {}

  /** Every tentacle matching all given filters; a filter absent or empty matches everything. */
  static List<TentacleRecord> select(
      List<TentacleRecord> registered,
      String environmentFilter,
      List<String> roleFilter,
      List<String> nameFilter) {
    String environment =
        environmentFilter == null ? null : Validation.name("environment", environmentFilter);
    List<String> roles = Validation.names("roles", roleFilter);
    List<String> names = Validation.names("tentacles", nameFilter);
    List<TentacleRecord> targets =
        registered.stream()
            .filter(t -> environment == null || t.environment().equalsIgnoreCase(environment))
            .filter(t -> roles.isEmpty() || t.roles().stream().anyMatch(roles::contains))
            .filter(t -> names.isEmpty() || names.contains(t.name()))
            .toList();
    if (targets.isEmpty()) {
      throw ApiException.badRequest(
          "no registered tentacle matches "
              + describeFilter(environment, roles, names)
              + "; list them with GET /api/tentacles");
    }
    return targets;
  }

  private static String describeFilter(String environment, List<String> roles, List<String> names) {
    StringBuilder text = new StringBuilder();
    text.append(environment == null ? "any environment" : "environment '" + environment + "'");
    if (!roles.isEmpty()) {
      text.append(" with a role in ").append(roles);
    }
    if (!names.isEmpty()) {
      text.append(" named one of ").append(names);
    }
    return text.toString();
  }
}
