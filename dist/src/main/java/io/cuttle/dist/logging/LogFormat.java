package io.cuttle.dist.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * How a long-running command writes its log: the jar's logback.xml pattern (text), or one JSON
 * object per line for a log shipper. Chosen on the command line, so it switches the configured
 * appenders' encoder once the options are read.
 */
public enum LogFormat {
  TEXT,
  JSON;

  /** Logger context properties with this prefix are fields of every JSON line. */
  static final String FIELD_PREFIX = "cuttle.log.";

  /**
   * A field every line of this process carries in JSON, such as the node or the tentacle it is: the
   * MDC is per thread, and most threads here are not ours.
   */
  public static void name(String field, String value) {
    if (value != null && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.putProperty(FIELD_PREFIX + field, value);
    }
  }

  /** The format named {@code value}, or a sentence naming {@code option} and the choices. */
  public static LogFormat parse(String option, String value) {
    for (LogFormat format : values()) {
      if (format.name().toLowerCase(Locale.ROOT).equals(value)) {
        return format;
      }
    }
    throw new IllegalArgumentException(option + " must be text or json, not '" + value + "'.");
  }

  /** Every appender of the root logger that writes a stream writes this format from now on. */
  public void apply() {
    if (this == TEXT) {
      return;
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    Iterator<Appender<ILoggingEvent>> appenders =
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
    while (appenders.hasNext()) {
      if (appenders.next() instanceof OutputStreamAppender<ILoggingEvent> stream) {
        JsonLayout layout = new JsonLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        stream.stop();
        stream.setEncoder(encoder);
        stream.start();
      }
    }
  }
}
