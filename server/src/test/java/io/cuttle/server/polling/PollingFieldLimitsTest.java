package io.cuttle.server.polling;

import static org.assertj.core.api.Assertions.assertThat;

import io.cuttle.wire.polling.v1.AgentInfo;
import io.cuttle.wire.polling.v1.ResultReport;
import org.junit.jupiter.api.Test;

/** Each field at its column's size passes; one character more is refused naming the field. */
class PollingFieldLimitsTest {
  @Test
  void agentFieldsAtTheirColumnSizesPass() {
    assertThat(
            PollingFieldLimits.agent(
                AgentInfo.newBuilder()
                    .setVersion("v".repeat(50))
                    .addCapabilities("a".repeat(999))
                    .addCapabilities("b".repeat(1000))
                    .setPlatform("p".repeat(200))
                    .build()))
        .isEmpty();
  }

  @Test
  void agentFieldsOverTheirColumnSizesAreNamed() {
    assertThat(PollingFieldLimits.agent(AgentInfo.newBuilder().setVersion("v".repeat(51)).build()))
        .contains("agent version has 51 characters (expected: at most 50)");
    assertThat(
            PollingFieldLimits.agent(
                AgentInfo.newBuilder()
                    .addCapabilities("a".repeat(1000))
                    .addCapabilities("b".repeat(1000))
                    .build()))
        .as("stored joined with a comma")
        .contains("agent capabilities has 2001 characters (expected: at most 2000)");
    assertThat(
            PollingFieldLimits.agent(AgentInfo.newBuilder().setPlatform("p".repeat(201)).build()))
        .contains("agent platform has 201 characters (expected: at most 200)");
  }

  @Test
  void resultsAreHeldToTheCommandIdAndMessageColumns() {
    ResultReport.Builder report =
        ResultReport.newBuilder().setCommandId("C-1").setMessage("m".repeat(2000));
    assertThat(PollingFieldLimits.result(report.build())).isEmpty();
    assertThat(PollingFieldLimits.result(report.setMessage("m".repeat(2001)).build()))
        .contains("result message has 2001 characters (expected: at most 2000)");
    assertThat(PollingFieldLimits.result(report.setCommandId("c".repeat(41)).build()))
        .contains("command id has 41 characters (expected: at most 40)");
  }
}
