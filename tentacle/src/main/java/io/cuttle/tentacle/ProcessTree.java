package io.cuttle.tentacle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a script so that everything it starts can be found again, and kills all of it. A script
 * starts as the leader of a session of its own (through util-linux's {@code setsid}, where
 * installed), and its environment carries {@link #MARKER} with the command id. What is killed:
 *
 * <ul>
 *   <li>its descendants;
 *   <li>every process in its session, which takes in double-forked daemons that init adopted;
 *   <li>every process whose environment carries the marker, which takes in one that left the
 *       session with {@code setsid} itself.
 * </ul>
 *
 * A process that both leaves the session and starts with an environment without the marker ({@code
 * setsid env -i ...}), or that another service starts for it ({@code systemd-run}), escapes. A
 * process may fork between our look and our kill, so we look again until nothing is left (or give
 * up after a few rounds rather than spin on a fork bomb).
 */
final class ProcessTree {
  static final String MARKER = "CUTTLE_COMMAND_ID";
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path PROC = Path.of("/proc");
  private static final int ROUNDS = 10;

  private ProcessTree() {}

  /** {@code command} run as the leader of a new session, where {@code setsid} is installed. */
  static List<String> inOwnSession(List<String> command) {
    if (!Files.isExecutable(SETSID)) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(command.size() + 2);
    wrapped.add(SETSID.toString());
    // Should it fork (it does when started as a group leader), still wait and pass on the exit
    // code.
    wrapped.add("--wait");
    wrapped.addAll(command);
    return wrapped;
  }

  /** Marks the environment of the command's script; set last, so no variable can replace it. */
  static void mark(Map<String, String> environment, String commandId) {
    environment.put(MARKER, commandId);
  }

  static void kill(Process process, String commandId) {
    byte[] marker = ("\0" + MARKER + "=" + commandId + "\0").getBytes(StandardCharsets.UTF_8);
    long session = process.pid(); // a session leader's pid is its session id
    // Everything is found before anything is killed: a dead parent's children are handed to init
    // and no longer show as its descendants.
    Set<ProcessHandle> found = startedBy(process, session, marker);
    // Then parents first, the script's own process before all: killed the other way round, a
    // script's shell saw its sleep die and ran the script's next line before its own turn came.
    process.destroyForcibly();
    for (int round = 0; round < ROUNDS && !found.isEmpty(); round++) {
      found.forEach(ProcessHandle::destroyForcibly);
      found = startedBy(process, session, marker); // whatever forked between our look and our kill
    }
  }

  private static Set<ProcessHandle> startedBy(Process process, long session, byte[] marker) {
    // descendants() lists parents before their children.
    Set<ProcessHandle> found = new LinkedHashSet<>(process.descendants().toList());
    found.addAll(inSessionOrMarked(session, marker));
    found.remove(ProcessHandle.current());
    found.removeIf(p -> p.pid() == process.pid());
    return found;
  }

  /** Live processes in the session, or whose environment holds {@code marker}; none off Linux. */
  private static List<ProcessHandle> inSessionOrMarked(long session, byte[] marker) {
    if (!Files.isDirectory(PROC)) {
      return List.of();
    }
    return ProcessHandle.allProcesses()
        .filter(p -> sessionOf(p.pid()) == session || environmentHolds(p.pid(), marker))
        .toList();
  }

  /** The session id from /proc/<pid>/stat, or -1 when the process is gone or a zombie. */
  private static long sessionOf(long pid) {
    Optional<String> stat = read(PROC.resolve(Long.toString(pid)).resolve("stat"));
    if (stat.isEmpty()) {
      return -1;
    }
    // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
    String[] fields = stat.get().substring(stat.get().lastIndexOf(')') + 2).split(" ");
    return fields.length > 3 && !fields[0].equals("Z") ? Long.parseLong(fields[3]) : -1;
  }

  private static boolean environmentHolds(long pid, byte[] marker) {
    try {
      byte[] environment = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
      byte[] padded = new byte[environment.length + 1]; // the first variable has no NUL before it
      System.arraycopy(environment, 0, padded, 1, environment.length);
      return indexOf(padded, marker) >= 0;
    } catch (IOException | SecurityException e) {
      return false; // gone, or another user's: not ours to kill
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.ISO_8859_1));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
