package io.cuttle.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.wire.api.ApiKeyView;
import io.cuttle.wire.api.AuditEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Users, sessions, API keys and the audit log keep their promises on H2 and on PostgreSQL. */
abstract class AccessStoreContract {
  private Database database;
  private UserStore users;
  private SessionStore sessions;
  private ApiKeyStore keys;
  private AuditLog audit;

  abstract Database openDatabase() throws Exception;

  /** Empties the database before each test, where it outlives one (a shared server). */
  void emptyDatabase() throws Exception {}

  @BeforeEach
  void open() throws Exception {
    emptyDatabase();
    database = openDatabase();
    users = new UserStore(database.jdbi());
    sessions = new SessionStore(database.jdbi());
    keys = new ApiKeyStore(database.jdbi());
    audit = new AuditLog(database.jdbi());
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void aUserNameIsTakenOnceAndFailedLoginsLockUntilCleared() {
    assertThat(users.isEmpty()).isTrue();
    assertThat(users.create("ann", "hash-1", Role.ADMIN, 10)).isTrue();
    assertThat(users.create("ann", "hash-2", Role.VIEWER, 20)).isFalse();
    UserStore.User ann = users.find("ann").orElseThrow();
    assertThat(ann.passwordHash()).isEqualTo("hash-1");
    assertThat(ann.role()).isEqualTo(Role.ADMIN);

    assertThat(users.takeLoginTurn("ann", 100, 2, 500L).lockedUntil()).isNull();
    assertThat(users.takeLoginTurn("ann", 100, 2, 500L).lockedUntil()).isEqualTo(500L);

    UserStore.User failed = users.find("ann").orElseThrow();
    assertThat(failed.failedLogins()).isEqualTo(2);
    assertThat(failed.lockedUntil()).isEqualTo(500L);
    assertThat(users.setPassword("ann", "hash-3")).isTrue();
    assertThat(users.find("ann").orElseThrow())
        .extracting(UserStore.User::failedLogins, UserStore.User::lockedUntil)
        .containsExactly(0, null);
    assertThat(users.setPassword("nobody", "x")).isFalse();
    assertThat(users.list()).extracting(UserStore.User::name).containsExactly("ann");
  }

  @Test
  void fortyConcurrentLoginTurnsLetFiveThroughForKnownAndUnknownNamesAlike() throws Exception {
    users.create("target", "hash", Role.ADMIN, 0);
    for (String name : List.of("target", "no-such-user")) {
      assertThat(grantedOfFortyConcurrentTurns(name, 1_000)).isEqualTo(5);
      UserStore.LoginTurn locked = users.takeLoginTurn(name, 1_000, 5, 9_999);
      assertThat(locked.granted()).isFalse();
      assertThat(locked.lockedUntil()).isEqualTo(61_000L);
      // Once the lock has run out a new count starts, again with five turns whatever the rush.
      assertThat(grantedOfFortyConcurrentTurns(name, 61_000)).isEqualTo(5);
    }
    users.clearFailures(users.find("target").orElseThrow().id());
    assertThat(users.takeLoginTurn("target", 61_000, 5, 121_000).granted()).isTrue();
  }

  private int grantedOfFortyConcurrentTurns(String name, long now) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(40);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<UserStore.LoginTurn>> turns = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        turns.add(
            pool.submit(
                () -> {
                  start.await();
                  return users.takeLoginTurn(name, now, 5, now + 60_000);
                }));
      }
      start.countDown();
      int granted = 0;
      for (Future<UserStore.LoginTurn> turn : turns) {
        granted += turn.get(30, TimeUnit.SECONDS).granted() ? 1 : 0;
      }
      return granted;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSessionIsFoundByItsCookieUntilItExpiresOrIsDeleted() {
    users.create("bob", "hash", Role.VIEWER, 0);
    SessionStore.Created created =
        sessions.create(users.find("bob").orElseThrow().id(), 1_000, 2_000).orElseThrow();

    assertThat(sessions.find(created.cookie(), 1_500))
        .hasValueSatisfying(
            s -> {
              assertThat(s.userName()).isEqualTo("bob");
              assertThat(s.role()).isEqualTo(Role.VIEWER);
              assertThat(s.csrfToken()).isEqualTo(created.csrfToken());
            });
    assertThat(sessions.find(created.cookie(), 2_000)).isEmpty();
    assertThat(sessions.find("someone else's cookie", 1_500)).isEmpty();
    sessions.delete(created.cookie());
    assertThat(sessions.find(created.cookie(), 1_500)).isEmpty();
  }

  @Test
  void aKeyActsWithItsUsersRoleUntilRevoked() {
    users.create("cat", "hash", Role.VIEWER, 0);
    ApiKeyView.Created made = keys.create("cat", "ci", Role.VIEWER, 100);
    keys.add("admin", "cuttle_bootstrap", "admin", 50);

    assertThat(keys.callerOf(made.key())).contains(new ApiKeyStore.Caller("cat", Role.VIEWER));
    // No user named admin here: the bootstrap key keeps the role it was made with.
    assertThat(keys.callerOf("cuttle_bootstrap"))
        .contains(new ApiKeyStore.Caller("admin", Role.ADMIN));
    assertThat(keys.list("cat")).extracting(ApiKeyView::label).containsExactly("ci");
    assertThat(keys.list(null)).hasSize(2);

    assertThat(keys.revoke(made.apiKey().id(), 200)).isTrue();
    assertThat(keys.revoke(made.apiKey().id(), 300)).isFalse();
    assertThat(keys.callerOf(made.key())).isEmpty();
    assertThat(keys.find(made.apiKey().id()).orElseThrow().revokedMillis()).isEqualTo(200L);
  }

  @Test
  void aDisabledUsersSessionsEndAndKeysAreRefusedUntilEnabled() {
    users.create("ann", "hash", Role.ADMIN, 0);
    users.create("bob", "hash", Role.VIEWER, 0);
    String bob = users.find("bob").orElseThrow().id();
    SessionStore.Created session = sessions.create(bob, 1_000, 9_000).orElseThrow();
    ApiKeyView.Created key = keys.create("bob", "ci", Role.VIEWER, 1_000);

    assertThat(users.changes().disable("bob", 2_000)).isEqualTo(UserChanges.Outcome.DONE);

    assertThat(users.find("bob").orElseThrow().disabledAt()).isEqualTo(2_000L);
    assertThat(sessions.find(session.cookie(), 2_500)).isEmpty();
    assertThat(keys.callerOf(key.key())).isEmpty();
    assertThat(sessions.create(bob, 2_500, 9_000)).isEmpty();
    assertThat(users.changes().disable("nobody", 2_000))
        .isEqualTo(UserChanges.Outcome.NO_SUCH_USER);

    assertThat(users.changes().enable("bob")).isEqualTo(UserChanges.Outcome.DONE);

    assertThat(users.find("bob").orElseThrow().disabledAt()).isNull();
    assertThat(keys.callerOf(key.key())).contains(new ApiKeyStore.Caller("bob", Role.VIEWER));
    // The sessions disabling ended stay ended; a new sign-in makes a new one.
    assertThat(sessions.find(session.cookie(), 3_000)).isEmpty();
    SessionStore.Created again = sessions.create(bob, 3_000, 9_000).orElseThrow();
    assertThat(sessions.find(again.cookie(), 3_000)).isPresent();
  }

  @Test
  void aDeletedUsersSessionsEndAndKeysAreRevokedForGood() {
    users.create("ann", "hash", Role.ADMIN, 0);
    users.create("bob", "hash", Role.ADMIN, 0);
    SessionStore.Created session =
        sessions.create(users.find("bob").orElseThrow().id(), 1_000, 9_000).orElseThrow();
    ApiKeyView.Created key = keys.create("bob", "ci", Role.ADMIN, 1_000);

    assertThat(users.changes().delete("bob", 2_000)).isEqualTo(UserChanges.Outcome.DONE);

    assertThat(users.find("bob")).isEmpty();
    assertThat(sessions.find(session.cookie(), 2_500)).isEmpty();
    assertThat(keys.callerOf(key.key())).isEmpty();
    assertThat(keys.find(key.apiKey().id()).orElseThrow().revokedMillis()).isEqualTo(2_000L);
    assertThat(users.changes().delete("bob", 3_000)).isEqualTo(UserChanges.Outcome.NO_SUCH_USER);
    // A new user of the same name does not bring the old keys back.
    users.create("bob", "hash", Role.ADMIN, 4_000);
    assertThat(keys.callerOf(key.key())).isEmpty();
  }

  @Test
  void theLastEnabledAdminIsNeitherDisabledDeletedNorMadeAViewer() {
    users.create("ann", "hash", Role.ADMIN, 0);
    users.create("bob", "hash", Role.VIEWER, 0);
    users.create("old-admin", "hash", Role.ADMIN, 0);
    users.changes().disable("old-admin", 10);

    assertThat(users.changes().disable("ann", 20)).isEqualTo(UserChanges.Outcome.LAST_ADMIN);
    assertThat(users.changes().delete("ann", 20)).isEqualTo(UserChanges.Outcome.LAST_ADMIN);
    assertThat(users.changes().setRole("ann", Role.VIEWER))
        .isEqualTo(UserChanges.Outcome.LAST_ADMIN);
    assertThat(users.find("ann").orElseThrow())
        .extracting(UserStore.User::role, UserStore.User::disabledAt)
        .containsExactly(Role.ADMIN, null);
    // A disabled admin and a viewer may go: they leave ann.
    assertThat(users.changes().delete("old-admin", 30)).isEqualTo(UserChanges.Outcome.DONE);
    assertThat(users.changes().disable("bob", 30)).isEqualTo(UserChanges.Outcome.DONE);

    assertThat(users.changes().setRole("bob", Role.ADMIN)).isEqualTo(UserChanges.Outcome.DONE);
    // bob is an admin now, but a disabled one: ann is still the last enabled admin.
    assertThat(users.changes().setRole("ann", Role.VIEWER))
        .isEqualTo(UserChanges.Outcome.LAST_ADMIN);
    users.changes().enable("bob");
    assertThat(users.changes().setRole("ann", Role.VIEWER)).isEqualTo(UserChanges.Outcome.DONE);
    assertThat(users.find("ann").orElseThrow().role()).isEqualTo(Role.VIEWER);
  }

  @Test
  void adminsRemovedAllAtOnceLeaveExactlyOneEnabledAdmin() throws Exception {
    int admins = 8;
    for (int round = 0; round < 5; round++) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < admins; i++) {
        names.add("admin-" + round + "-" + i);
        users.create(names.get(i), "hash", Role.ADMIN, 0);
      }
      // The last round's survivor steps aside: this round's admins are the only ones.
      for (UserStore.User earlier : users.list()) {
        if (earlier.role() == Role.ADMIN && !names.contains(earlier.name())) {
          assertThat(users.changes().setRole(earlier.name(), Role.VIEWER))
              .isEqualTo(UserChanges.Outcome.DONE);
        }
      }
      ExecutorService pool = Executors.newFixedThreadPool(admins);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<UserChanges.Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < admins; i++) {
          String name = names.get(i);
          int kind = i % 3;
          outcomes.add(
              pool.submit(
                  () -> {
                    start.await();
                    return switch (kind) {
                      case 0 -> users.changes().disable(name, 100);
                      case 1 -> users.changes().delete(name, 100);
                      default -> users.changes().setRole(name, Role.VIEWER);
                    };
                  }));
        }
        start.countDown();
        List<UserChanges.Outcome> results = new ArrayList<>();
        for (Future<UserChanges.Outcome> outcome : outcomes) {
          results.add(outcome.get(60, TimeUnit.SECONDS));
        }

        assertThat(results).filteredOn(o -> o == UserChanges.Outcome.LAST_ADMIN).hasSize(1);
        assertThat(results).filteredOn(o -> o == UserChanges.Outcome.DONE).hasSize(admins - 1);
        assertThat(users.list())
            .filteredOn(u -> u.role() == Role.ADMIN && u.disabledAt() == null)
            .hasSize(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void theAuditLogPagesNewestFirstAndClipsLongTargets() {
    audit.record("ann", "login", "user ann", 1);
    audit.record("ann", "POST /api/users", "user bob", 2);
    audit.record("ann", "DELETE /api/api-keys/A-1", "x".repeat(5000), 3);

    List<AuditEntry> newest = audit.recent(0, 2);
    List<AuditEntry> older = audit.recent(newest.get(1).id(), 10);

    assertThat(newest).extracting(AuditEntry::atMillis).containsExactly(3L, 2L);
    assertThat(newest.get(0).target()).hasSize(1000);
    assertThat(older).extracting(AuditEntry::action).containsExactly("login");
  }
}
