package io.cuttle.server;

import io.cuttle.server.data.DatabaseAvailability;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this server should be sent traffic: its database answers, every listener is bound, and it
 * is not shutting down. Read from memory only (the database's state is what its own probe last
 * found), so a readiness check never waits on a hung database.
 */
final class Readiness {
  private volatile DatabaseAvailability database;
  private volatile boolean listening;
  private volatile boolean draining;

  void databaseIs(DatabaseAvailability database) {
    this.database = database;
  }

  void listening() {
    listening = true;
  }

  void draining() {
    draining = true;
  }

  /** Why the server is not ready, one sentence each; empty when it is. */
  List<String> notReady() {
    List<String> reasons = new ArrayList<>();
    if (draining) {
      reasons.add("draining: the server is shutting down");
    }
    DatabaseAvailability db = database;
    if (db == null) {
      reasons.add("starting: the database is not open yet");
    } else {
      db.unavailableSince()
          .ifPresent(
              since ->
                  reasons.add(
                      "database unavailable since "
                          + since
                          + "; the server retries on its own and is ready again once it answers"));
    }
    if (!listening && !draining) {
      reasons.add("starting: not every listener is bound yet");
    }
    return reasons;
  }
}
