package io.cuttle.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class LoopbackNamesTest {

  @Test
  void localhostAndItsSubdomainsAreLoopback() {
    assertThat(LoopbackNames.isLoopbackName("localhost")).isTrue();
    assertThat(LoopbackNames.isLoopbackName("polling.localhost")).isTrue();
    assertThat(LoopbackNames.isLoopbackName("Polling.LocalHost.")).isTrue();
    assertThat(LoopbackNames.isLoopbackName("localhost.example.com")).isFalse();
    assertThat(LoopbackNames.isLoopbackName("notlocalhost")).isFalse();
    assertThat(LoopbackNames.isLoopbackName(null)).isFalse();
  }

  @Test
  void nettyResolverAnswersLocalhostSubdomainsWithoutTheSystemResolver() throws Exception {
    InetSocketAddress resolved =
        LoopbackAwareResolverGroup.INSTANCE
            .getResolver(ImmediateEventExecutor.INSTANCE)
            .resolve(InetSocketAddress.createUnresolved("polling.cuttle-test.localhost", 8443))
            .get();

    assertThat(resolved.getAddress().isLoopbackAddress()).isTrue();
    assertThat(resolved.getPort()).isEqualTo(8443);
  }
}
