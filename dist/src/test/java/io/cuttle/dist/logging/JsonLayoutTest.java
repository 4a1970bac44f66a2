package io.cuttle.dist.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** What one line of {@code --log-format json} holds, including what a text line would break. */
class JsonLayoutTest {
  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("io.cuttle.Example");
  private final JsonLayout layout = new JsonLayout();

  JsonLayoutTest() {
    layout.setContext(context);
    layout.start();
  }

  @Test
  void aLineIsOneObjectWithTheFixedFieldsThenItsContext() throws Exception {
    context.putProperty(LogFormat.FIELD_PREFIX + "node", "node-a");
    context.putProperty("unrelated", "not a field");
    LoggingEvent event = event("Command {} ended", "C-1");
    event.setMDCPropertyMap(Map.of("tentacle", "web-1", "message", "not the message"));
    event.setKeyValuePairs(
        List.of(new KeyValuePair("bytes_in", 42L), new KeyValuePair("route", "web")));

    String text = layout.doLayout(event);
    JsonNode line = new ObjectMapper().readTree(text);

    assertThat(text).endsWith("}" + System.lineSeparator()).doesNotContain("\n{");
    assertThat(line.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("logger").asText()).isEqualTo("io.cuttle.Example");
    assertThat(line.path("message").asText()).isEqualTo("Command C-1 ended");
    assertThat(line.path("tentacle").asText()).isEqualTo("web-1");
    assertThat(line.path("node").asText()).isEqualTo("node-a");
    assertThat(line.path("bytes_in").isNumber()).isTrue();
    assertThat(line.path("bytes_in").asLong()).isEqualTo(42);
    assertThat(line.path("route").asText()).isEqualTo("web");
    assertThat(line.has("unrelated")).isFalse();
  }

  @Test
  void newlinesQuotesControlCharactersAndStacksStayInsideTheOneLine() throws Exception {
    LoggingEvent event = event("a \"quoted\"\nsecond line\t\u0001\\ {}", "\u2028end");
    event.setMDCPropertyMap(Map.of());
    event.setThrowableProxy(
        new ch.qos.logback.classic.spi.ThrowableProxy(new IllegalStateException("boom\nagain")));

    String text = layout.doLayout(event);
    JsonNode line = new ObjectMapper().readTree(text);

    assertThat(text.strip()).doesNotContain("\n").doesNotContain("\u2028");
    assertThat(line.path("message").asText())
        .isEqualTo("a \"quoted\"\nsecond line\t\u0001\\ \u2028end");
    assertThat(line.path("exception").asText())
        .contains("IllegalStateException: boom\nagain")
        .contains("at io.cuttle.dist.logging.JsonLayoutTest");
  }

  private LoggingEvent event(String message, Object argument) {
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(), logger, Level.WARN, message, null, new Object[] {argument});
    event.setThreadName("main");
    return event;
  }
}
