package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.RunScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** Fills a command's folder before its script starts, and says where and what to run. */
interface Workspace {
  /** A plain script: written into the command's folder and run there. */
  Workspace SCRIPT_ONLY =
      (folder, script, output, cancelled) -> new Launch(folder, writeScript(folder, script));

  Launch prepare(Path folder, RunScript script, LineSink output, BooleanSupplier cancelled)
      throws Failure, IOException, InterruptedException;

  /** The folder the script runs in and the file holding it. */
  record Launch(Path workingFolder, Path scriptFile) {}

  /** The command cannot run; the message, for the person who sent it, says why. */
  final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }
  }

  static Path writeScript(Path folder, RunScript script) throws IOException {
    Path file = folder.resolve(Interpreters.fileName(script.getSyntax()));
    Files.writeString(file, script.getBody(), StandardCharsets.UTF_8);
    return file;
  }
}
