package io.cuttle.server.data;

/**
 * The text columns that callers' words are stored in, with the sizes db/migration gives them.
 * Values are checked against these before any SQL, so a value too long for its column is refused
 * with words naming it instead of failing an insert as a server fault; {@code ColumnTest} holds
 * each size to the migrated schema, so a migration that changes one fails the build until this
 * follows.
 */
public enum Column {
  TENTACLES_NAME("tentacles", "name", 100),
  TENTACLES_ENVIRONMENT("tentacles", "environment", 100),
  /** The roles, joined with commas. */
  TENTACLES_ROLES("tentacles", "roles", 2000),
  TENTACLES_COMMS_ADDRESS("tentacles", "comms_address", 500),
  TENTACLES_VERSION("tentacles", "version", 50),
  /** The capabilities, joined with commas. */
  TENTACLES_CAPABILITIES("tentacles", "capabilities", 2000),
  TENTACLES_PLATFORM("tentacles", "platform", 200),
  ENVIRONMENTS_NAME("environments", "name", 100),
  API_KEYS_LABEL("api_keys", "label", 200),
  USERS_NAME("users", "name", 100),
  USERS_ROLE("users", "role", 20),
  PROJECTS_NAME("projects", "name", 100),
  PROJECTS_DESCRIPTION("projects", "description", 1000),
  /** The steps as JSON. */
  PROJECTS_PROCESS("projects", "process", 200_000),
  VARIABLES_NAME("variables", "name", 100),
  VARIABLES_ROLE("variables", "role", 100),
  RELEASES_VERSION("releases", "version", 100),
  /** The process and variables as JSON. */
  RELEASES_SNAPSHOT("releases", "snapshot", 1_000_000),
  PACKAGES_PACKAGE_ID("packages", "package_id", 100),
  PACKAGES_VERSION("packages", "version", 50),
  COMMANDS_ID("commands", "id", 40),
  COMMANDS_MESSAGE("commands", "message", 2000),
  COMMANDS_MUTEX("commands", "mutex", 100),
  COMMANDS_STEP_NAME("commands", "step_name", 100);

  private final String table;
  private final String name;
  private final int maxChars;

  Column(String table, String name, int maxChars) {
    this.table = table;
    this.name = name;
    this.maxChars = maxChars;
  }

  public String table() {
    return table;
  }

  public String columnName() {
    return name;
  }

  /** The most characters a value stored in it may have. */
  public int maxChars() {
    return maxChars;
  }
}
