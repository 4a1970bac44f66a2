package io.cuttle.dist;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what one logger says during a test. */
final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture(Class<?> source) {
    this.logger = (Logger) LoggerFactory.getLogger(source);
    appender.start();
    logger.addAppender(appender);
  }

  List<String> messages() {
    synchronized (appender.list) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** How many of the events carried a stack trace. */
  long eventsWithStackTraces() {
    synchronized (appender.list) {
      return appender.list.stream().filter(e -> e.getThrowableProxy() != null).count();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
