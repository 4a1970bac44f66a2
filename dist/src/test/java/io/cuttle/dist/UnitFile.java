package io.cuttle.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An installed systemd unit's [Service] section, turned into the command that starts its ExecStart
 * the way systemd would where systemd does not run (a CI container): as its User= and Group=
 * (setpriv, with NoNewPrivileges), in its WorkingDirectory= with its UMask=, with the environment
 * systemd gives a service (PATH, HOME, USER, LOGNAME and Environment=) and nothing of the caller's.
 * The sandboxing (ProtectSystem=, PrivateTmp=, ...) needs systemd itself and is left out; {@code
 * systemd-analyze verify} checks it is well formed.
 */
record UnitFile(Map<String, String> service) {
  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  static UnitFile read(Path file) throws IOException {
    Map<String, String> service = new LinkedHashMap<>();
    readInto(file, service);
    return new UnitFile(service);
  }

  private static void readInto(Path file, Map<String, String> service) throws IOException {
    boolean inService = false;
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.startsWith("[")) {
        inService = line.equals("[Service]");
      } else if (inService && !line.isEmpty() && !line.startsWith("#")) {
        int equals = line.indexOf('=');
        String key = line.substring(0, equals);
        String value = line.substring(equals + 1);
        if (value.isEmpty()) {
          service.remove(key);
        } else if (key.equals("ExecStart") && service.containsKey(key)) {
          throw new IllegalStateException(file + ": a second ExecStart= without resetting it");
        } else {
          service.merge(key, value, (a, b) -> a + " " + b);
        }
      }
    }
  }

  String get(String key) {
    String value = service.get(key);
    if (value == null) {
      throw new IllegalStateException("the unit has no " + key + "=");
    }
    return value;
  }

  /** ExecStart=, for an instance of a template unit (%i), as systemd would start it. */
  List<String> command(String instance) throws IOException {
    String user = get("User");
    String home = home(user);
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + user,
                "--regid=" + get("Group"),
                "--init-groups",
                "--no-new-privs",
                "--",
                "env",
                "-i",
                "PATH=" + PATH,
                "HOME=" + home,
                "USER=" + user,
                "LOGNAME=" + user));
    if (service.containsKey("Environment")) {
      command.addAll(List.of(get("Environment").split(" ")));
    }
    command.addAll(
        List.of(
            "sh",
            "-c",
            "umask " + get("UMask") + " && cd \"$1\" && shift && exec \"$@\"",
            "unit",
            get("WorkingDirectory")));
    for (String word : get("ExecStart").split(" +")) {
      command.add(instance == null ? word : word.replace("%i", instance));
    }
    return command;
  }

  private static String home(String user) throws IOException {
    for (String entry : Files.readAllLines(Path.of("/etc/passwd"))) {
      String[] fields = entry.split(":");
      if (fields[0].equals(user)) {
        return fields[5];
      }
    }
    throw new IllegalStateException("no user '" + user + "' in /etc/passwd");
  }
}
