package io.cuttle.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a reader of the figures needs to weigh them: the machine, and how busy it was. Other work on
 * the same cores disturbs every figure, so each run prints the load average beside them.
 */
final class BenchMachine {
  private BenchMachine() {}

  static String describe() {
    return "machine: "
        + Runtime.getRuntime().availableProcessors()
        + " cores, "
        + memoryTotal()
        + " memory, "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + System.getProperty("java.version");
  }

  /** Like uptime(1): runnable tasks averaged over 1, 5 and 15 minutes. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "load average: " + fields[0] + ", " + fields[1] + ", " + fields[2];
    } catch (IOException e) {
      return "load average: unknown (" + e.getMessage() + ")";
    }
  }

  private static String memoryTotal() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
      for (String line : lines) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(java.util.Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // said below
    }
    return "unknown";
  }
}
