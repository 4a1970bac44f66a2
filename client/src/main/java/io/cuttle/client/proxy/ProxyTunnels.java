package io.cuttle.client.proxy;

import com.linecorp.armeria.client.ClientFactoryBuilder;
import com.linecorp.armeria.client.ClientFactoryOptions;
import java.util.Optional;

/**
 * One client factory's proxying: sets its {@link ProxyPolicy} on the factory and explains the
 * failures a proxy caused. Make one per factory: refusals are remembered per factory.
 */
public final class ProxyTunnels {
  private final ProxyPolicy policy;
  private final RefusalRecorder refusals = new RefusalRecorder();

  public ProxyTunnels(ProxyPolicy policy) {
    this.policy = policy;
  }

  public ProxyPolicy policy() {
    return policy;
  }

  /** Makes {@code builder} tunnel as the policy says and record what a refusing proxy answered. */
  public ClientFactoryBuilder applyTo(ClientFactoryBuilder builder) {
    return builder
        .proxyConfig(ProxySelectors.of(policy))
        .option(ClientFactoryOptions.CHANNEL_PIPELINE_CUSTOMIZER, refusals);
  }

  /**
   * Why connecting to {@code host}:{@code port} failed with {@code failure}, when a proxy was the
   * cause; empty otherwise (also when no proxy is used for that host).
   */
  public Optional<String> explain(Throwable failure, String host, int port) {
    Optional<ProxyAddress> proxy = policy.proxyFor(host);
    if (proxy.isEmpty()) {
      return Optional.empty();
    }
    String target = host + ":" + port;
    Optional<? extends Throwable> answer = refusals.take();
    return ProxyRefusal.explain(answer.isPresent() ? answer.get() : failure, proxy.get(), target);
  }
}
