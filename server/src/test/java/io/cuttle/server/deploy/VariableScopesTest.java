package io.cuttle.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.server.data.Secrets;
import io.cuttle.server.data.StoredVariable;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented rule: of the values that apply to a target, the most specific wins. */
class VariableScopesTest {
  @TempDir Path data;

  private static StoredVariable value(String name, String value, String environment, String role) {
    return new StoredVariable("V-" + value, name, value, false, environment, environment, role);
  }

  private VariableScopes.Resolved resolve(
      List<StoredVariable> variables, String environment, List<String> roles) {
    return VariableScopes.resolve(variables, environment, roles, new Secrets(data));
  }

  @Test
  void environmentAndRoleBeatRoleBeatsEnvironmentBeatsUnscoped() {
    List<StoredVariable> variables =
        List.of(
            value("POOL", "unscoped", null, null),
            value("POOL", "prod", "E-prod", null),
            value("POOL", "web", null, "web"),
            value("POOL", "prod-web", "E-prod", "web"));

    assertThat(resolve(variables, "E-prod", List.of("web")).values())
        .containsEntry("POOL", "prod-web");
    assertThat(resolve(variables, "E-test", List.of("web")).values()).containsEntry("POOL", "web");
    assertThat(resolve(variables, "E-prod", List.of("db")).values()).containsEntry("POOL", "prod");
    assertThat(resolve(variables, "E-test", List.of("db")).values())
        .containsEntry("POOL", "unscoped");
  }

  @Test
  void aValueScopedElsewhereIsNotSetAtAll() {
    List<StoredVariable> variables = List.of(value("ONLY_PROD", "x", "E-prod", null));

    assertThat(resolve(variables, "E-test", List.of()).values()).doesNotContainKey("ONLY_PROD");
  }

  @Test
  void betweenTwoMatchingRolesTheFirstStoredWinsAndSensitiveValuesAreOpened() {
    Secrets secrets = new Secrets(data);
    List<StoredVariable> variables =
        List.of(
            value("SIZE", "from-api", null, "api"),
            value("SIZE", "from-web", null, "web"),
            new StoredVariable("V-s", "TOKEN", secrets.seal("t0k3n"), true, null, null, null));

    VariableScopes.Resolved resolved = resolve(variables, "E-x", List.of("web", "api"));

    assertThat(resolved.values()).containsEntry("SIZE", "from-api").containsEntry("TOKEN", "t0k3n");
    assertThat(resolved.sensitiveNames()).containsExactly("TOKEN");
  }
}
