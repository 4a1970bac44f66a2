package io.cuttle.dist;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what one logger says during a test. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture(Class<?> source) {
    this(source.getName());
  }

  /** Collects what a logger and every logger below it (say, {@code io.cuttle}) say. */
  public LogCapture(String loggerName) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  public List<String> messages() {
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** What was said at {@code level} exactly. */
  public List<String> messagesAt(Level level) {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == level)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  /** How many of the events carried a stack trace. */
  public long eventsWithStackTraces() {
    synchronized (appender.list) {
      return appender.list.stream().filter(e -> e.getThrowableProxy() != null).count();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
