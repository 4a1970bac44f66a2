package io.cuttle.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks another JVM of the bench, through the JDK's jcmd, to collect its garbage or say how much
 * heap it uses. A JVM's resident memory otherwise swings with when it last collected, which would
 * drown the growth the benches measure.
 */
final class Jcmd {
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  private Jcmd() {}

  /** A full collection; returns once it is done. */
  static void collectGarbage(long pid) throws IOException, InterruptedException {
    run(pid, "GC.run");
  }

  /** Heap in use right now (after {@link #collectGarbage}: what is live). */
  static long heapUsedBytes(long pid) throws IOException, InterruptedException {
    String info = run(pid, "GC.heap_info");
    Matcher used = HEAP_USED.matcher(info);
    if (!used.find()) {
      throw new IOException("jcmd " + pid + " GC.heap_info said nothing about heap used:\n" + info);
    }
    return Long.parseLong(used.group(1)) * 1024;
  }

  private static String run(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("jcmd " + pid + " " + command + " failed:\n" + output);
    }
    return output;
  }
}
