package io.cuttle.dist;

import io.cuttle.dist.settings.SettingOrigin;
import io.cuttle.dist.settings.SettingSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The database password, from a file ({@code --db-password-file}) or an environment variable
 * ({@code --db-password-env}, CUTTLE_SERVER_DB_PASSWORD unless told otherwise), never from the
 * command line, where every user of the machine could read it in the process list.
 */
record DatabasePassword(String password, String source) {
  static final String VARIABLE = "CUTTLE_SERVER_DB_PASSWORD";

  static DatabasePassword resolve(
      Path file, String variable, SettingSources sources, Map<String, String> environment) {
    boolean variableChosen =
        !(sources.origin("--db-password-env") instanceof SettingOrigin.Default);
    if (file != null) {
      if (variableChosen || environment.get(variable) != null) {
        throw new IllegalArgumentException(
            sources.label("--db-password-file")
                + ": the password also comes from the environment variable "
                + variable
                + " (expected: one of the two)");
      }
      return new DatabasePassword(
          read(file, sources.label("--db-password-file")), "the file " + file);
    }
    String password = environment.get(variable);
    if (password == null && variableChosen) {
      throw new IllegalArgumentException(
          sources.label("--db-password-env")
              + ": the environment has no variable "
              + variable
              + " (expected: the name of the variable holding the database password)");
    }
    return new DatabasePassword(
        password, password == null ? null : "the environment variable " + variable);
  }

  private static String read(Path file, String label) {
    try {
      // The file's last line break is an editor's, not the password's.
      String password = Files.readString(file, StandardCharsets.UTF_8).replaceFirst("\\R$", "");
      if (password.isEmpty()) {
        throw new IllegalArgumentException(
            label + ": " + file + " is empty (expected: the database password)");
      }
      return password;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          label
              + ": cannot read "
              + file
              + " ("
              + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage())
              + "; expected: a file holding the database password)");
    }
  }

  /** For --print-config: where the password comes from, never the password. */
  String describe() {
    return source == null
        ? "database password: none"
        : "database password: (redacted), from " + source;
  }
}
