package io.cuttle.dist;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The systemd unit that runs one tentacle instance. One unit file per instance rather than the
 * package's template ({@code cuttle-tentacle@.service}), because instances may differ in user and
 * home; the shape is the template's: restarted on failure, room for many connections, and the same
 * hardening, with the instances' folder (and {@code readWritePaths}) the only writable ones.
 */
record SystemdUnit(
    String instance,
    String user,
    Path java,
    Path jar,
    Path home,
    String cuttleHome,
    Path instancesFolder,
    List<Path> readWritePaths) {
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  // Characters that never need quoting in an ExecStart word.
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@+=:,./-]+");

  /** Wait between restarts: long enough not to hammer a server that is down, short for a blip. */
  static final int RESTART_SECONDS = 10;

  /** The packaged units' open-file limit, which carries 10,000 connections several times over. */
  static final int OPEN_FILES = 65536;

  /** Folders ProtectHome= hides; a home below them can only be made read-only, then reopened. */
  private static final List<Path> HOME_FOLDERS =
      List.of(Path.of("/home"), Path.of("/root"), Path.of("/run/user"));

  SystemdUnit {
    if (!USER.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "--user: '"
              + user
              + "' (expected: a system user name: lowercase letters, digits, '-' or '_')");
    }
  }

  /**
   * A JVM that ran out of memory may have lost threads it needs: exit, and systemd restarts a whole
   * one, rather than leave it running half-dead. The ./cuttle launcher passes it too.
   */
  static final String EXIT_ON_OUT_OF_MEMORY = "-XX:+ExitOnOutOfMemoryError";

  static String fileName(String instance) {
    return "cuttle-tentacle-" + instance + ".service";
  }

  String fileName() {
    return fileName(instance);
  }

  String content() {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add(EXIT_ON_OUT_OF_MEMORY);
    command.add("-jar");
    command.add(jar.toString());
    command.add("tentacle");
    command.add("run");
    command.add("--instance");
    command.add(instance);
    if (home != null) {
      command.add("--home");
      command.add(home.toString());
    }
    StringBuilder unit = new StringBuilder();
    unit.append("# Written by 'cuttle tentacle service install'; remove it with\n")
        .append("# 'cuttle tentacle service uninstall --instance ")
        .append(instance)
        .append("'.\n")
        .append("[Unit]\n")
        .append("Description=Cuttle tentacle ")
        .append(instance)
        .append('\n')
        .append("Wants=network-online.target\n")
        .append("After=network-online.target\n")
        // A tentacle waits out a server outage of any length: never give up restarting.
        .append("StartLimitIntervalSec=0\n")
        .append('\n')
        .append("[Service]\n")
        .append("Type=simple\n")
        .append("User=")
        .append(user)
        .append('\n');
    if (cuttleHome != null) {
      unit.append("Environment=")
          .append(quote(("CUTTLE_HOME=" + cuttleHome).replace("%", "%%")))
          .append('\n');
    }
    unit.append("ExecStart=")
        .append(String.join(" ", command.stream().map(SystemdUnit::execWord).toList()))
        .append('\n')
        // The JVM exits 143 after SIGTERM: that is systemd's own stop, not a failure.
        .append("SuccessExitStatus=143\n")
        .append("Restart=on-failure\n")
        .append("RestartSec=")
        .append(RESTART_SECONDS)
        .append('\n')
        // Time for the tentacle's shutdown hook to close its connection before it is killed.
        .append("TimeoutStopSec=30\n")
        .append("LimitNOFILE=")
        .append(OPEN_FILES)
        .append('\n')
        .append("UMask=0077\n")
        .append('\n')
        .append("NoNewPrivileges=yes\n")
        .append("ProtectSystem=strict\n")
        .append("ReadWritePaths=")
        .append(
            String.join(
                " ",
                writablePaths().stream()
                    .map(path -> quote(path.toString().replace("%", "%%")))
                    .toList()))
        .append('\n')
        .append("PrivateTmp=yes\n")
        .append("ProtectHome=")
        .append(underHomeFolders() ? "read-only" : "yes")
        .append('\n')
        .append('\n')
        .append("[Install]\n")
        .append("WantedBy=multi-user.target\n");
    return unit.toString();
  }

  private List<Path> writablePaths() {
    List<Path> paths = new ArrayList<>();
    paths.add(instancesFolder);
    paths.addAll(readWritePaths);
    return paths;
  }

  /**
   * A path the service needs (its java, its jar, a writable folder) below /home, /root or /run/user
   * needs those read-only rather than hidden; ReadWritePaths= reopens the writable ones.
   */
  private boolean underHomeFolders() {
    List<Path> needed = new ArrayList<>(writablePaths());
    needed.add(java);
    needed.add(jar);
    return needed.stream()
        .map(path -> path.toAbsolutePath().normalize())
        .anyMatch(path -> HOME_FOLDERS.stream().anyMatch(path::startsWith));
  }

  /** systemd expands %-specifiers and $VARIABLES in ExecStart; a path must mean itself. */
  private static String execWord(String word) {
    return quote(word.replace("%", "%%").replace("$", "$$"));
  }

  private static String quote(String word) {
    if (PLAIN.matcher(word).matches()) {
      return word;
    }
    return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
