package io.cuttle.tentacle;

import io.cuttle.common.io.AtomicFiles;
import io.cuttle.wire.polling.v1.ResultReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What this tentacle has run, on disk in {@code <home>/journal/}, so that execution is once even
 * across restarts: a command is marked started before its script runs and its result is written
 * before it is reported. A command delivered again is answered from here; one that was started but
 * has no result when the tentacle starts was cut short by a restart, and is reported as such rather
 * than run a second time.
 */
final class CommandJournal {
  static final String RESTARTED =
      "result unknown: the tentacle restarted while the script was running, so it was not run again";
  private static final int KEEP = 1000;

  private final Path directory;

  CommandJournal(Path directory) throws IOException {
    this.directory = directory;
    AtomicFiles.createPrivateDirectories(directory);
  }

  /** Marks a command started; false if it was started before (in this life or an earlier one). */
  synchronized boolean start(String commandId) throws IOException {
    Path marker = file(commandId, "started");
    if (Files.exists(marker)) {
      return false;
    }
    AtomicFiles.write(marker, new byte[0]);
    return true;
  }

  /**
   * Forgets a start that never ran its script (the server said not to proceed, or was unreachable).
   */
  synchronized void abandon(String commandId) throws IOException {
    Files.deleteIfExists(file(commandId, "started"));
  }

  synchronized void finish(ResultReport report) throws IOException {
    AtomicFiles.write(file(report.getCommandId(), "result"), report.toByteArray());
  }

  /** Notes that the server has recorded the result, so a restart need not report it again. */
  synchronized void reported(String commandId) throws IOException {
    AtomicFiles.write(file(commandId, "reported"), new byte[0]);
  }

  /** True while a command is started here and has no stored result: it may be running now. */
  synchronized boolean unfinished(String commandId) throws IOException {
    return Files.exists(file(commandId, "started")) && !Files.exists(file(commandId, "result"));
  }

  synchronized Optional<ResultReport> result(String commandId) throws IOException {
    Path result = file(commandId, "result");
    return Files.exists(result)
        ? Optional.of(ResultReport.parseFrom(Files.readAllBytes(result)))
        : Optional.empty();
  }

  /**
   * Closes the commands a restart cut short: each gets a stored FAILED result saying so. Returns
   * the stored results the server has not confirmed yet, to report again.
   */
  synchronized List<ResultReport> recover(String tentacleId) throws IOException {
    List<ResultReport> results = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path started : files.filter(f -> f.toString().endsWith(".started")).toList()) {
        String commandId = started.getFileName().toString().replace(".started", "");
        Optional<ResultReport> result = result(commandId);
        if (result.isEmpty()) {
          ResultReport cut =
              ResultReport.newBuilder()
                  .setTentacleId(tentacleId)
                  .setCommandId(commandId)
                  .setOutcome(ResultReport.Outcome.FAILED)
                  .setMessage(RESTARTED)
                  .build();
          finish(cut);
          result = Optional.of(cut);
        }
        if (!Files.exists(file(commandId, "reported"))) {
          results.add(result.get());
        }
      }
    }
    prune();
    return results;
  }

  /** Keeps the newest {@link #KEEP} commands; older ones can no longer be redelivered. */
  private void prune() throws IOException {
    List<Path> started;
    try (Stream<Path> files = Files.list(directory)) {
      started =
          files
              .filter(f -> f.toString().endsWith(".started"))
              .sorted(Comparator.comparing(CommandJournal::modified).reversed())
              .toList();
    }
    for (Path old : started.subList(Math.min(KEEP, started.size()), started.size())) {
      String commandId = old.getFileName().toString().replace(".started", "");
      Files.deleteIfExists(file(commandId, "result"));
      Files.deleteIfExists(file(commandId, "reported"));
      Files.deleteIfExists(old);
    }
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private Path file(String commandId, String kind) {
    if (!commandId.matches("[A-Za-z0-9_-]{1,64}")) {
      // Ids come from the server; a hostile one must not name a path outside the journal.
      throw new IllegalArgumentException(
          "command id: '" + commandId + "' (expected: letters, digits, '-', '_')");
    }
    return directory.resolve(commandId + "." + kind);
  }
}
