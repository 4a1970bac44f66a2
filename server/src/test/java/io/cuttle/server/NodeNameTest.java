package io.cuttle.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeNameTest {
  @Test
  void aHostNameBecomesANameTheNodeListAccepts() {
    assertThat(NodeName.fromHostName("deploy-01.example.com")).isEqualTo("deploy-01.example.com");
    assertThat(NodeName.fromHostName("Build Box (2)")).isEqualTo("Build-Box--2-");
    assertThat(NodeName.fromHostName("-.odd")).isEqualTo("odd");
    assertThat(NodeName.fromHostName("x".repeat(80))).hasSize(63);
    assertThat(NodeName.fromHostName("???")).isEqualTo("cuttle-server");
  }

  @Test
  void withoutANameTheServerIsNamedAfterItsHost() {
    ServerConfig unnamed = ServerConfig.builder().build();

    assertThat(NodeName.of(unnamed)).isEqualTo(NodeName.fromHostName(NodeName.localHostName()));
  }
}
