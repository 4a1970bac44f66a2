package io.cuttle.tentacle;

import java.util.List;

/**
 * Kills a script with everything it started. Children are killed before their parent: once a parent
 * dies its children are handed to init and no longer show as its descendants, so killing top-down
 * would leave them running. A process may fork between our look and our kill, so we look again
 * until nothing is left (or give up after a few rounds rather than spin on a fork bomb).
 */
final class ProcessTree {
  private static final int ROUNDS = 10;

  private ProcessTree() {}

  static void kill(Process process) {
    for (int round = 0; round < ROUNDS; round++) {
      List<ProcessHandle> descendants = process.descendants().toList();
      if (descendants.isEmpty()) {
        break;
      }
      // descendants() lists parents before their children; kill the deepest first.
      for (int i = descendants.size() - 1; i >= 0; i--) {
        descendants.get(i).destroyForcibly();
      }
    }
    process.destroyForcibly();
  }
}
