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
    // The failure itself first (it may be newer than any recorded answer, e.g. the proxy is down);
    // "channel closed" explains nothing, and then the proxy's recorded answer does.
    Optional<String> own = ProxyRefusal.explain(failure, proxy.get(), target);
    if (own.isPresent()) {
      return own;
    }
    return refusals.last().flatMap(answer -> ProxyRefusal.explain(answer, proxy.get(), target));
  }
}
