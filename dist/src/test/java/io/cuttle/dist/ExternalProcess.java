package io.cuttle.dist;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program in its own process (nginx, HAProxy, or cuttle in a JVM of its own) that a test starts
 * in the foreground and always stops again, children included. Its output goes to a file so a
 * failure can show it.
 */
final class ExternalProcess implements AutoCloseable {
  /** Debian installs daemons in sbin folders, which a non-root PATH often leaves out. */
  private static final List<String> SBIN_FOLDERS = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

  private final String name;
  private final Process process;
  private final Path output;

  private ExternalProcess(String name, Process process, Path output) {
    this.name = name;
    this.process = process;
    this.output = output;
  }

  /**
   * The program's path. Fails (never skips) when it is missing: a test that quietly did not run
   * would prove nothing, and {@code .ci/run} installs these packages.
   */
  static Path require(String program, String debianPackages) {
    List<String> folders = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      folders.addAll(List.of(path.split(java.io.File.pathSeparator)));
    }
    folders.addAll(SBIN_FOLDERS);
    for (String folder : folders) {
      Path candidate = Path.of(folder, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        program
            + " not found on PATH or in "
            + SBIN_FOLDERS
            + ": install the Debian packages '"
            + debianPackages
            + "' (.ci/run installs them)");
  }

  static ExternalProcess start(String name, Path output, List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    process.getOutputStream().close();
    return new ExternalProcess(name, process, output);
  }

  /** {@code cuttle ...} in its own JVM with a fixed small heap that it must not outgrow. */
  static ExternalProcess cuttle(String name, Path output, String heap, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    // Out of memory, it dies loudly instead of limping on with some threads dead.
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Cuttle.class.getName());
    command.addAll(List.of(args));
    return ExternalProcess.start(name, output, command);
  }

  /** Waits until the program accepts connections on the loopback port, or fails with its output. */
  void awaitListening(int port) {
    // A program that dies fails this at once; the long wait is for JVMs starting side by side on
    // a loaded machine, which took over 15 s each here.
    await(name + " listening on port " + port)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    name + " exited with code " + process.exitValue() + ":\n" + output());
              }
              return accepts(port);
            });
  }

  /** Kills the program at once (SIGKILL), as a crash would, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " still running 10 s after SIGKILL");
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Stops the program and its worker processes: politely first, then by force. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    for (ProcessHandle child : children) {
      try {
        child.onExit().get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        child.destroyForcibly();
      }
    }
  }
}
