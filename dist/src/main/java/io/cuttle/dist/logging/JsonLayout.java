package io.cuttle.dist.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line: time, level, logger, thread, message, then the process's own fields
 * ({@link LogFormat#name}), the context the code put in the MDC or gave as key-value pairs
 * (tentacle, task, command, node, route, remote...) as fields of their own, and the exception's
 * stack when there is one. Logback's own JsonEncoder nests the context and names things its own way
 * ("loggerName", epoch "timestamp"); log shippers want flat, conventional fields.
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {
  private static final Set<String> RESERVED =
      Set.of("time", "level", "logger", "thread", "message", "exception");

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder json = new StringBuilder(256).append('{');
    field(json, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    field(json, "level", event.getLevel().toString());
    field(json, "logger", event.getLoggerName());
    field(json, "thread", event.getThreadName());
    field(json, "message", event.getFormattedMessage());
    Map<String, String> process = event.getLoggerContextVO().getPropertyMap();
    if (process != null) {
      process.forEach(
          (key, value) -> {
            if (key.startsWith(LogFormat.FIELD_PREFIX)) {
              context(json, key.substring(LogFormat.FIELD_PREFIX.length()), value);
            }
          });
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach((key, value) -> context(json, key, value));
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        context(json, pair.key, pair.value);
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      field(json, "exception", ThrowableProxyUtil.asString(thrown));
    }
    return json.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  /** Context never overwrites the fields every line has: a reader can rely on those. */
  private static void context(StringBuilder json, String key, Object value) {
    if (key == null || value == null || RESERVED.contains(key)) {
      return;
    }
    if (value instanceof Long || value instanceof Integer) {
      json.append(',');
      quote(json, key);
      json.append(':').append(value);
    } else {
      field(json, key, value.toString());
    }
  }

  private static void field(StringBuilder json, String key, String value) {
    if (json.length() > 1) {
      json.append(',');
    }
    quote(json, key);
    json.append(':');
    if (value == null) {
      json.append("null");
    } else {
      quote(json, value);
    }
  }

  static void quote(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          // Control characters, and the line and paragraph separators some readers split on.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
