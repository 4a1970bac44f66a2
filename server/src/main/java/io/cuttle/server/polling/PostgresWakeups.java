package io.cuttle.server.polling;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries poll wake-ups between server nodes sharing one PostgreSQL database: a signal becomes a
 * NOTIFY, and a connection of its own (outside the pool, whose connections come and go) LISTENs and
 * wakes the polls this node holds. A notification can be lost (the listening connection dropped, a
 * node restarted), so every held poll also looks again every {@code recheck}: a lost wake-up costs
 * at most that delay, never a command.
 */
public final class PostgresWakeups implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresWakeups.class);
  static final String CHANNEL = "cuttle_poll_wakeup";
  private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);
  private static final Duration FIRST_LISTEN_WAIT = Duration.ofSeconds(10);

  private final String jdbcUrl;
  private final Properties connectionProperties;
  private final Jdbi pooled;
  private final Duration recheck;
  // Tells this node's own notifications apart, which it acted on before sending.
  private final String instance = UUID.randomUUID().toString();
  private final PollWaiters waiters = new PollWaiters(this::notifyOtherNodes);
  private final Thread listener;
  private volatile boolean running = true;
  private volatile Connection listening;
  private final CountDownLatch firstListen = new CountDownLatch(1);

  private PostgresWakeups(
      String jdbcUrl, Properties connectionProperties, Jdbi pooled, Duration recheck) {
    this.jdbcUrl = jdbcUrl;
    this.connectionProperties = connectionProperties;
    this.pooled = pooled;
    this.recheck = recheck;
    this.listener = new Thread(this::listenWhileRunning, "cuttle-wakeups");
    listener.setDaemon(true);
  }

  /**
   * Starts listening, and returns once it listens (or after a while, when the database keeps
   * refusing; polls here look again periodically until then). {@code nodeName} names the listening
   * connection, so {@code pg_stat_activity} shows which nodes are connected.
   */
  public static PostgresWakeups start(
      String jdbcUrl,
      String user,
      String password,
      String nodeName,
      Jdbi pooled,
      Duration recheck) {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("ApplicationName", "cuttle wake-ups " + nodeName);
    properties.setProperty("connectTimeout", "5");
    // A database that accepts the connection but never answers (hung) must not hold this
    // listener in its login for good: it gives up and tries again.
    properties.setProperty("loginTimeout", "10");
    PostgresWakeups wakeups = new PostgresWakeups(jdbcUrl, properties, pooled, recheck);
    wakeups.listener.start();
    try {
      if (!wakeups.firstListen.await(FIRST_LISTEN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "Not yet listening for other nodes' wake-ups; polls here look again every {} ms"
                + " until then",
            RECONNECT_PAUSE.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the caller is being stopped and will find out
    }
    return wakeups;
  }

  /** The polls held on this node, whose signals reach the other nodes too. */
  public PollWaiters waiters() {
    return waiters;
  }

  private void notifyOtherNodes(String tentacleId) {
    try {
      pooled.useHandle(
          h ->
              h.createQuery("SELECT pg_notify(:channel, :payload)")
                  .bind("channel", CHANNEL)
                  .bind("payload", instance + " " + tentacleId)
                  .mapToMap()
                  .list());
    } catch (RuntimeException e) {
      log.debug(
          "Could not tell other nodes to wake tentacle {}'s polls; their re-check will: {}",
          tentacleId,
          e.toString());
    }
  }

  private void listenWhileRunning() {
    // Said once per outage, not once per attempt to reconnect.
    boolean lost = false;
    while (running) {
      try (Connection connection = DriverManager.getConnection(jdbcUrl, connectionProperties)) {
        listening = connection;
        try (var statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        if (lost) {
          log.info("Hearing other nodes' wake-ups again");
          lost = false;
        }
        // Whatever was sent while nobody here listened is found by looking once now.
        waiters.wakeAllHere();
        firstListen.countDown();
        hear(connection.unwrap(PGConnection.class), connection);
      } catch (SQLException | RuntimeException e) {
        if (running) {
          if (!lost) {
            log.warn(
                "Lost the database connection that hears other nodes' wake-ups; polls here look"
                    + " again every {} ms until it is back: {}",
                RECONNECT_PAUSE.toMillis(),
                e.toString());
            lost = true;
          } else {
            log.debug("Still cannot listen for other nodes' wake-ups: {}", e.toString());
          }
          pauseThenRecheck();
        }
      } finally {
        listening = null;
      }
    }
  }

  private void hear(PGConnection notifications, Connection connection) throws SQLException {
    long nextRecheck = System.nanoTime() + recheck.toNanos();
    while (running) {
      PGNotification[] heard = notifications.getNotifications((int) recheck.toMillis());
      if (heard != null) {
        for (PGNotification notification : heard) {
          wakeFor(notification.getParameter());
        }
      }
      if (System.nanoTime() - nextRecheck >= 0) {
        // A connection that died quietly would otherwise just stay silent.
        if (!connection.isValid(5)) {
          throw new SQLException("the listening connection stopped answering");
        }
        waiters.wakeAllHere();
        nextRecheck = System.nanoTime() + recheck.toNanos();
      }
    }
  }

  private void wakeFor(String payload) {
    int space = payload.indexOf(' ');
    if (space > 0 && !payload.substring(0, space).equals(instance)) {
      waiters.wakeHere(payload.substring(space + 1));
    }
  }

  private void pauseThenRecheck() {
    try {
      Thread.sleep(RECONNECT_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return;
    }
    waiters.wakeAllHere();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    Connection connection = listening;
    if (connection != null) {
      try {
        connection.close(); // unblocks a wait for notifications
      } catch (SQLException e) {
        log.debug("Closing the wake-up connection", e);
      }
    }
    listener.interrupt();
    listener.join(Duration.ofSeconds(10).toMillis());
  }
}
