package io.cuttle.bench;

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
import java.util.stream.Stream;

/**
 * A program the benches start as a process of its own (a proxy, {@code cuttle router}, {@code
 * cuttle server}), so its memory can be read apart from the load generator's. Its output goes to a
 * file that a failure quotes. Closing stops it and its worker processes.
 */
final class ExternalProgram implements AutoCloseable {
  /** Debian installs daemons in sbin folders, which a non-root PATH often leaves out. */
  private static final List<String> SBIN_FOLDERS = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

  private final String name;
  private final Process process;
  private final Path output;

  private ExternalProgram(String name, Process process, Path output) {
    this.name = name;
    this.process = process;
    this.output = output;
  }

  /** The program's path; fails naming the Debian packages to install when it is missing. */
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
    throw new IllegalStateException(
        program
            + " not found on PATH or in "
            + SBIN_FOLDERS
            + ": install the Debian packages '"
            + debianPackages
            + "'");
  }

  static ExternalProgram start(String name, Path output, List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    process.getOutputStream().close();
    return new ExternalProgram(name, process, output);
  }

  /** Waits until the program accepts connections on the loopback port, or fails with its output. */
  ExternalProgram awaitListening(int port, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + ":\n" + output());
      }
      if (accepts(port)) {
        return this;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        name + " did not listen on port " + port + " within " + atMost + ":\n" + output());
  }

  /** Waits until the program's output contains {@code text}, or fails with its output. */
  String awaitOutput(String text, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      String soFar = output();
      if (soFar.contains(text)) {
        return soFar;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + ":\n" + soFar);
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        name + " did not print '" + text + "' within " + atMost + ":\n" + output());
  }

  long pid() {
    return process.pid();
  }

  /** Resident memory of the program and its worker processes (nginx forks workers), in bytes. */
  long residentBytes() {
    return Stream.concat(Stream.of(process.toHandle()), process.descendants())
        .mapToLong(handle -> residentBytes(handle.pid()))
        .sum();
  }

  /** VmRSS from /proc; 0 for a process that has just ended. */
  static long residentBytes(long pid) {
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
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
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
