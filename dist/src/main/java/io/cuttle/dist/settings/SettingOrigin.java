package io.cuttle.dist.settings;

import java.nio.file.Path;

/** Where one setting's value came from: an option, the environment, a settings file, a default. */
public sealed interface SettingOrigin {
  /**
   * The setting as its source names it, to start an error sentence: {@code --port}, {@code
   * environment variable CUTTLE_SERVER_PORT}, {@code /etc/cuttle/server.conf line 3, port}.
   */
  String label();

  /** For {@code --print-config}: where the value came from. */
  String describe();

  /** Typed on the command line. */
  record Option(String option) implements SettingOrigin {
    @Override
    public String label() {
      return option;
    }

    @Override
    public String describe() {
      return "option " + option;
    }
  }

  /** Read from a {@code CUTTLE_<COMMAND>_<OPTION>} environment variable. */
  record Environment(String variable) implements SettingOrigin {
    @Override
    public String label() {
      return "environment variable " + variable;
    }

    @Override
    public String describe() {
      return label();
    }
  }

  /** Read from one line of a settings file. */
  record File(Path path, int line, String name) implements SettingOrigin {
    @Override
    public String label() {
      return path + " line " + line + ", " + name;
    }

    @Override
    public String describe() {
      return path + " line " + line;
    }
  }

  /** Nobody set it: the command's own default, or nothing. */
  record Default(String option) implements SettingOrigin {
    @Override
    public String label() {
      return option;
    }

    @Override
    public String describe() {
      return "default";
    }
  }
}
