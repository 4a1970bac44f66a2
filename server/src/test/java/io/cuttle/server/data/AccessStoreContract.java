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
        sessions.create(users.find("bob").orElseThrow().id(), 1_000, 2_000);

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
