package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the tentacle's log says about its link to one server. A tentacle that lost its node and
 * reconnected through the router to another logged "connected" only when its next poll returned, 23
 * s later in one run; it now says so when the new TLS connection reaches a pinned server.
 */
class LinkStateTest {
  private static final String URL = "https://polling.localhost:8443";
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final LinkState link = new LinkState("web-1", URL);

  @BeforeEach
  void capture() {
    lines.start();
    logger().addAppender(lines);
  }

  @AfterEach
  void release() {
    logger().detachAppender(lines);
  }

  private static Logger logger() {
    return (Logger) LoggerFactory.getLogger(TentacleAgent.class);
  }

  private List<String> logged() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aReconnectionIsLoggedWhenTheServerIsReachedNotWhenAPollReturns() {
    link.change(LinkState.State.CONNECTED, null);
    link.change(LinkState.State.DISCONNECTED, "Cannot reach the polling endpoint " + URL);

    link.serverReached(); // the new TLS connection, long before the held poll returns

    assertThat(logged())
        .containsExactly(
            "Tentacle 'web-1' connected to " + URL,
            "Cannot reach the polling endpoint " + URL,
            "Tentacle 'web-1' connected to " + URL);

    link.change(LinkState.State.CONNECTED, null); // the poll returns at last
    link.serverReached(); // and the pool opens another connection
    assertThat(logged()).as("one line per change, not per connection").hasSize(3);
  }

  @Test
  void theFirstConnectionIsLoggedWhenTheServerIsReached() {
    link.serverReached();

    assertThat(logged()).containsExactly("Tentacle 'web-1' connected to " + URL);
  }

  @Test
  void aRefusedTentacleIsNotCalledConnectedOnEachRetry() {
    link.change(LinkState.State.REFUSED, "The server at " + URL + " refused this tentacle");

    link.serverReached();
    link.serverReached();

    assertThat(logged()).containsExactly("The server at " + URL + " refused this tentacle");
  }
}
