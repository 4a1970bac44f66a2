package io.cuttle.tentacle;

import io.cuttle.wire.polling.v1.HealthReport;
import io.cuttle.wire.polling.v1.ResultReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Answers a health check with facts about this tentacle. It judges nothing: the server holds the
 * thresholds, so they change without touching the fleet.
 */
final class SelfCheck {
  private static final String SCRIPT_PREFIX = "script:";

  private SelfCheck() {}

  static ResultReport.Builder run(Path home) {
    Path folder = home.toAbsolutePath();
    try {
      return ResultReport.newBuilder()
          .setOutcome(ResultReport.Outcome.COMPLETED)
          .setHealth(
              HealthReport.newBuilder()
                  .setFreeDiskBytes(Files.getFileStore(folder).getUsableSpace())
                  .setHome(folder.toString())
                  .setVersion(TentacleAgent.VERSION)
                  .addAllInterpreters(
                      Interpreters.capabilities().stream()
                          .map(capability -> capability.substring(SCRIPT_PREFIX.length()))
                          .toList()));
    } catch (IOException e) {
      return ResultReport.newBuilder()
          .setOutcome(ResultReport.Outcome.FAILED)
          .setMessage(
              "the tentacle cannot read the free space of the disk holding "
                  + folder
                  + " ("
                  + e.getMessage()
                  + "); check that the folder exists and is readable by the tentacle's user");
    }
  }
}
