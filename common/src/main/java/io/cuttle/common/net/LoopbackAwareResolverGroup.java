package io.cuttle.common.net;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultNameResolver;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A Netty resolver group that answers {@code .localhost} names with the loopback address and hands
 * every other name to the system resolver. Clients built on Netty (Armeria's included) take it
 * through their address-resolver hooks.
 */
public final class LoopbackAwareResolverGroup extends AddressResolverGroup<InetSocketAddress> {
  public static final LoopbackAwareResolverGroup INSTANCE = new LoopbackAwareResolverGroup();

  private LoopbackAwareResolverGroup() {}

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    return new InetSocketAddressResolver(executor, new LoopbackAwareNameResolver(executor));
  }

  private static final class LoopbackAwareNameResolver extends InetNameResolver {
    private final DefaultNameResolver system;

    LoopbackAwareNameResolver(EventExecutor executor) {
      super(executor);
      this.system = new DefaultNameResolver(executor);
    }

    @Override
    protected void doResolve(String host, Promise<InetAddress> promise) {
      if (LoopbackNames.isLoopbackName(host)) {
        promise.setSuccess(LoopbackNames.loopback());
      } else {
        system.resolve(host, promise);
      }
    }

    @Override
    protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
      if (LoopbackNames.isLoopbackName(host)) {
        promise.setSuccess(List.of(LoopbackNames.loopback()));
      } else {
        system.resolveAll(host, promise);
      }
    }
  }
}
