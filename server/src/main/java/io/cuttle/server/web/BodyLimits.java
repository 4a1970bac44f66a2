package io.cuttle.server.web;

import io.cuttle.server.data.Column;
import io.cuttle.wire.api.CreateApiKeyRequest;
import io.cuttle.wire.api.CreateReleaseRequest;
import io.cuttle.wire.api.CreateUserRequest;
import io.cuttle.wire.api.DeployPackageRequest;
import io.cuttle.wire.api.DeployRequest;
import io.cuttle.wire.api.EnvironmentOrderRequest;
import io.cuttle.wire.api.EnvironmentRequest;
import io.cuttle.wire.api.HealthCheckRequest;
import io.cuttle.wire.api.LoginRequest;
import io.cuttle.wire.api.ProjectRequest;
import io.cuttle.wire.api.RegisterTentacleRequest;
import io.cuttle.wire.api.RetryRequest;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.StepSpec;
import io.cuttle.wire.api.VariableRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The longest value each text field of a request body may have: the size of the column it is stored
 * in, or looked up by ({@link Column}; a role, stored alone, is a variable's role). {@link
 * JsonBodies} checks a body against its limits as it reads it, so a value too long for its column
 * is a 400 naming the field and the limit, never a failed insert, and nothing has been stored yet.
 * Scripts, variable values and passwords have their own rules where they are used (they are not
 * stored as sent).
 */
final class BodyLimits {
  private static final List<FieldLimit<StepSpec>> STEP =
      List.of(
          text("name", StepSpec::name, Column.COMMANDS_STEP_NAME),
          each("roles", StepSpec::roles, Column.VARIABLES_ROLE),
          text("packageId", StepSpec::packageId, Column.PACKAGES_PACKAGE_ID),
          text("packageVersion", StepSpec::packageVersion, Column.PACKAGES_VERSION));

  private static final Map<Class<?>, List<? extends FieldLimit<?>>> BY_TYPE =
      Map.ofEntries(
          limits(
              RegisterTentacleRequest.class,
              text("name", RegisterTentacleRequest::name, Column.TENTACLES_NAME),
              text(
                  "environment",
                  RegisterTentacleRequest::environment,
                  Column.TENTACLES_ENVIRONMENT),
              each("roles", RegisterTentacleRequest::roles, Column.VARIABLES_ROLE),
              joined("roles", RegisterTentacleRequest::roles, Column.TENTACLES_ROLES),
              text(
                  "commsAddress",
                  RegisterTentacleRequest::commsAddress,
                  Column.TENTACLES_COMMS_ADDRESS),
              text("version", RegisterTentacleRequest::version, Column.TENTACLES_VERSION)),
          limits(
              CreateApiKeyRequest.class,
              text("user", CreateApiKeyRequest::user, Column.USERS_NAME),
              text("label", CreateApiKeyRequest::label, Column.API_KEYS_LABEL)),
          limits(
              CreateUserRequest.class,
              text("name", CreateUserRequest::name, Column.USERS_NAME),
              text("role", CreateUserRequest::role, Column.USERS_ROLE)),
          limits(LoginRequest.class, text("name", LoginRequest::name, Column.USERS_NAME)),
          limits(
              EnvironmentRequest.class,
              text("name", EnvironmentRequest::name, Column.ENVIRONMENTS_NAME)),
          limits(
              EnvironmentOrderRequest.class,
              each("names", EnvironmentOrderRequest::names, Column.ENVIRONMENTS_NAME)),
          limits(
              ProjectRequest.class,
              text("name", ProjectRequest::name, Column.PROJECTS_NAME),
              text("description", ProjectRequest::description, Column.PROJECTS_DESCRIPTION),
              nested("steps", ProjectRequest::steps, STEP)),
          limits(
              VariableRequest.class,
              text("name", VariableRequest::name, Column.VARIABLES_NAME),
              text("environment", VariableRequest::environment, Column.ENVIRONMENTS_NAME),
              text("role", VariableRequest::role, Column.VARIABLES_ROLE)),
          limits(
              CreateReleaseRequest.class,
              text("version", CreateReleaseRequest::version, Column.RELEASES_VERSION),
              keysAndValues(
                  "packages",
                  CreateReleaseRequest::packages,
                  Column.PACKAGES_PACKAGE_ID,
                  Column.PACKAGES_VERSION)),
          limits(
              DeployRequest.class,
              text("project", DeployRequest::project, Column.PROJECTS_NAME),
              text("release", DeployRequest::release, Column.RELEASES_VERSION),
              text("environment", DeployRequest::environment, Column.ENVIRONMENTS_NAME)),
          limits(RetryRequest.class, text("target", RetryRequest::target, Column.TENTACLES_NAME)),
          limits(
              RunScriptRequest.class,
              text("environment", RunScriptRequest::environment, Column.ENVIRONMENTS_NAME),
              each("roles", RunScriptRequest::roles, Column.VARIABLES_ROLE),
              each("tentacles", RunScriptRequest::tentacles, Column.TENTACLES_NAME),
              text("mutex", RunScriptRequest::mutex, Column.COMMANDS_MUTEX)),
          limits(
              DeployPackageRequest.class,
              text("packageId", DeployPackageRequest::packageId, Column.PACKAGES_PACKAGE_ID),
              text("version", DeployPackageRequest::version, Column.PACKAGES_VERSION),
              text("environment", DeployPackageRequest::environment, Column.ENVIRONMENTS_NAME),
              each("roles", DeployPackageRequest::roles, Column.VARIABLES_ROLE),
              each("tentacles", DeployPackageRequest::tentacles, Column.TENTACLES_NAME),
              text("mutex", DeployPackageRequest::mutex, Column.COMMANDS_MUTEX)),
          limits(
              HealthCheckRequest.class,
              text("environment", HealthCheckRequest::environment, Column.ENVIRONMENTS_NAME),
              each("roles", HealthCheckRequest::roles, Column.VARIABLES_ROLE),
              each("tentacles", HealthCheckRequest::tentacles, Column.TENTACLES_NAME)));

  private BodyLimits() {}

  /** Refuses the body with a 400 naming the first field longer than its limit. */
  static void check(Object body) {
    List<? extends FieldLimit<?>> limits = BY_TYPE.getOrDefault(body.getClass(), List.of());
    for (FieldLimit<?> limit : limits) {
      String problem = problemOf(limit, body);
      if (problem != null) {
        throw ApiException.badRequest(problem);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> String problemOf(FieldLimit<T> limit, Object body) {
    return limit.problem((T) body);
  }

  /** One rule on a body of type T: what is wrong with the body, or null. */
  @FunctionalInterface
  private interface FieldLimit<T> {
    String problem(T body);
  }

  @SafeVarargs
  private static <T> Map.Entry<Class<?>, List<FieldLimit<T>>> limits(
      Class<T> type, FieldLimit<T>... limits) {
    return Map.entry(type, List.of(limits));
  }

  private static <T> FieldLimit<T> text(String field, Function<T, String> value, Column column) {
    return body -> tooLong(field, value.apply(body), column.maxChars());
  }

  /** Each item of a list, named with its index: {@code roles[2]}. */
  private static <T> FieldLimit<T> each(
      String field, Function<T, List<String>> values, Column column) {
    int max = column.maxChars();
    return body -> {
      List<String> items = values.apply(body);
      for (int i = 0; items != null && i < items.size(); i++) {
        String problem = tooLong(field + "[" + i + "]", items.get(i), max);
        if (problem != null) {
          return problem;
        }
      }
      return null;
    };
  }

  /** A list stored in one column, joined with commas. */
  private static <T> FieldLimit<T> joined(
      String field, Function<T, List<String>> values, Column column) {
    return body -> {
      List<String> items = values.apply(body);
      if (items == null || items.isEmpty()) {
        return null;
      }
      int length = items.size() - 1;
      for (String item : items) {
        length += item == null ? 0 : item.length();
      }
      return length <= column.maxChars()
          ? null
          : field
              + ": "
              + length
              + " characters joined with commas (expected: at most "
              + column.maxChars()
              + ")";
    };
  }

  private static <T> FieldLimit<T> keysAndValues(
      String field, Function<T, Map<String, String>> values, Column keys, Column valuesColumn) {
    return body -> {
      Map<String, String> map = values.apply(body);
      if (map == null) {
        return null;
      }
      for (Map.Entry<String, String> entry : map.entrySet()) {
        String problem =
            entry.getKey().length() > keys.maxChars()
                ? field
                    + ": a key of "
                    + entry.getKey().length()
                    + " characters (expected: at most "
                    + keys.maxChars()
                    + ")"
                : tooLong(field + "." + entry.getKey(), entry.getValue(), valuesColumn.maxChars());
        if (problem != null) {
          return problem;
        }
      }
      return null;
    };
  }

  /** Each object of a list against its own limits, named {@code steps[0].name}. */
  private static <T, S> FieldLimit<T> nested(
      String field, Function<T, List<S>> values, List<FieldLimit<S>> limits) {
    return body -> {
      List<S> items = values.apply(body);
      for (int i = 0; items != null && i < items.size(); i++) {
        S item = items.get(i);
        for (FieldLimit<S> limit : limits) {
          String problem = item == null ? null : limit.problem(item);
          if (problem != null) {
            return field + "[" + i + "]." + problem;
          }
        }
      }
      return null;
    };
  }

  private static String tooLong(String field, String value, int max) {
    return value == null || value.length() <= max
        ? null
        : field + ": " + value.length() + " characters (expected: at most " + max + ")";
  }
}
