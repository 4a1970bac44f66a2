package io.cuttle.server.deploy;

import io.cuttle.server.data.Secrets;
import io.cuttle.server.data.StoredVariable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks each variable's value for one target. A value applies when its environment (if any) is the
 * target's and its role (if any) is one of the target's. Of the values that apply, the most
 * specific wins: environment and role, then role only, then environment only, then unscoped. Two
 * role-scoped values for a target with both roles: the first by role name wins.
 */
final class VariableScopes {
  private VariableScopes() {}

  /** The variables one target gets, and which of them are sensitive. */
  record Resolved(Map<String, String> values, List<String> sensitiveNames) {}

  static Resolved resolve(
      List<StoredVariable> variables, String environmentId, List<String> roles, Secrets secrets) {
    Map<String, StoredVariable> chosen = new LinkedHashMap<>();
    for (StoredVariable v : variables) {
      boolean applies =
          (v.environmentId() == null || v.environmentId().equals(environmentId))
              && (v.role() == null || roles.contains(v.role()));
      StoredVariable current = chosen.get(v.name());
      if (applies && (current == null || rank(v) > rank(current))) {
        chosen.put(v.name(), v);
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    List<String> sensitive = new ArrayList<>();
    for (StoredVariable v : chosen.values()) {
      values.put(v.name(), v.sensitive() ? secrets.openText(v.value()) : v.value());
      if (v.sensitive()) {
        sensitive.add(v.name());
      }
    }
    return new Resolved(values, sensitive);
  }

  private static int rank(StoredVariable v) {
    return (v.role() != null ? 2 : 0) + (v.environmentId() != null ? 1 : 0);
  }
}
