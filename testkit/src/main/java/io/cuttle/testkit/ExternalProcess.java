package io.cuttle.testkit;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A program in a process of its own (nginx, HAProxy, a proxy, or cuttle in a JVM of its own) that a
 * test or a bench starts in the foreground and always stops again, children included. Its output
 * goes to a file, so a failure can quote it, and its memory can be read apart from the caller's.
 */
public final class ExternalProcess implements AutoCloseable {
  /** Debian installs daemons in sbin folders, which a non-root PATH often leaves out. */
  private static final List<String> SBIN_FOLDERS = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

  private static final Duration POLL = Duration.ofMillis(50);

  private final String name;
  private final Process process;
  private final Path output;

  private ExternalProcess(String name, Process process, Path output) {
    this.name = name;
    this.process = process;
    this.output = output;
  }

  /**
   * The program's path. Fails (never skips) when it is missing, naming the Debian packages to
   * install: a test that quietly did not run would prove nothing, and {@code .ci/run} installs
   * them.
   */
  public static Path require(String program, String debianPackages) {
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
    throw new IllegalStateException(
        program
            + " not found on PATH or in "
            + SBIN_FOLDERS
            + ": install the Debian packages '"
            + debianPackages
            + "' (.ci/run installs them)");
  }

  public static ExternalProcess start(String name, Path output, List<String> command)
      throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    process.getOutputStream().close();
    return new ExternalProcess(name, process, output);
  }

  /**
   * {@code java -Xmx<heap> [options] -cp <this JVM's class path> <mainClass> args}: a JVM of its
   * own with a fixed heap it must not outgrow. Out of memory it dies loudly instead of limping on.
   */
  public static ExternalProcess java(
      String name,
      Path output,
      String heap,
      List<String> jvmOptions,
      Class<?> mainClass,
      List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.addAll(jvmOptions);
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    return start(name, output, command);
  }

  /** Waits up to a minute (a JVM starting on a busy machine) for the loopback port to accept. */
  public ExternalProcess awaitListening(int port) throws InterruptedException {
    return awaitListening(port, Duration.ofMinutes(1));
  }

  /** Waits until the program accepts connections on the loopback port, or fails with its output. */
  public ExternalProcess awaitListening(int port, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      failIfExited();
      if (accepts(port)) {
        return this;
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new IllegalStateException(
        name + " did not listen on port " + port + " within " + atMost + ":\n" + output());
  }

  /** Waits until the program's output contains {@code text}, or fails with its output. */
  public String awaitOutput(String text, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      String soFar = output();
      if (soFar.contains(text)) {
        return soFar;
      }
      failIfExited();
      Thread.sleep(POLL.toMillis());
    }
    throw new IllegalStateException(
        name + " did not print '" + text + "' within " + atMost + ":\n" + output());
  }

  private void failIfExited() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with code " + process.exitValue() + ":\n" + output());
    }
  }

  /**
   * The exit code of a program expected to end by itself (a refusal, a one-shot command); one still
   * running after {@code atMost} is a failure that names what it printed.
   */
  public int awaitExit(Duration atMost) throws InterruptedException {
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          name + " still runs after " + atMost.toSeconds() + " s; it printed:\n" + output());
    }
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  /** The process itself, for checks on what it is (which executable, what children). */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Resident memory of the program and its worker processes (nginx forks workers), in bytes. */
  public long residentBytes() {
    return Stream.concat(Stream.of(process.toHandle()), process.descendants())
        .mapToLong(handle -> residentBytes(handle.pid()))
        .sum();
  }

  /** VmRSS from /proc; 0 for a process that has just ended. */
  public static long residentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] fields = line.trim().split("\\s+");
          return Long.parseLong(fields[1]) * 1024; // always given in kB
        }
      }
      return 0;
    } catch (IOException gone) {
      return 0;
    }
  }

  public String output() {
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

  /**
   * Kills the program at once (SIGKILL), as a crash, the OOM killer or a pulled plug would: no
   * shutdown hook runs, and the kernel cuts its connections.
   */
  public void kill() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " still runs 10 s after SIGKILL");
    }
  }

  /**
   * Stops the program and its worker processes: politely first (SIGTERM, so shutdown hooks run),
   * then by force after 20 s.
   */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    for (ProcessHandle child : children) {
      try {
        child.onExit().get(5, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        child.destroyForcibly();
      }
    }
  }
}
