package io.cuttle.server.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The server's database: embedded H2 in the data directory unless a JDBC URL is given, migrated by
 * Flyway on open so every node and every version runs on the same schema.
 */
public final class Database implements AutoCloseable {
  /**
   * The longest a caller waits for a connection while the database is unreachable: it then gets a
   * "database unavailable" answer rather than hanging.
   */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The longest a PostgreSQL statement waits for the database's answer (unless the JDBC URL sets
   * socketTimeout): a database host that vanished without closing its connections would otherwise
   * hold each caller until the operating system gives up on the connection, hours later. Cuttle's
   * statements take milliseconds.
   */
  static final Duration POSTGRES_SOCKET_TIMEOUT = Duration.ofSeconds(30);

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource);
  }

  /** The default: an H2 file under {@code dataDirectory/db}. */
  public static String embeddedUrl(Path dataDirectory) {
    return "jdbc:h2:file:"
        + dataDirectory.toAbsolutePath().resolve("db").resolve("cuttle")
        + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  public static Database open(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    config.setPoolName("cuttle-db");
    config.setMaximumPoolSize(10);
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    config.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
    if (jdbcUrl.startsWith("jdbc:postgresql:") && !jdbcUrl.contains("socketTimeout=")) {
      config.addDataSourceProperty(
          "socketTimeout", String.valueOf(POSTGRES_SOCKET_TIMEOUT.toSeconds()));
    }
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
      return new Database(dataSource);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** The connection pool's live figures, for the metrics. */
  public com.zaxxer.hikari.HikariPoolMXBean pool() {
    return dataSource.getHikariPoolMXBean();
  }

  /** The most connections the pool opens. */
  public int maxPoolSize() {
    return dataSource.getMaximumPoolSize();
  }

  /** Takes a connection from the pool and checks that the database answers on it. */
  public void check() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      if (!connection.isValid((int) VALIDATION_TIMEOUT.toSeconds())) {
        throw new SQLRecoverableException(
            "the database did not answer within " + VALIDATION_TIMEOUT.toSeconds() + " s");
      }
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
