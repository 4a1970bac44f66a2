package io.cuttle.server.web;

import com.linecorp.armeria.common.FlagsProvider;

/**
 * Armeria settings the server depends on, found by Armeria through {@code META-INF/services}.
 * System properties ({@code -Dcom.linecorp.armeria.*}) still override them.
 */
public final class ArmeriaFlags implements FlagsProvider {
  /**
   * Off: Armeria's route cache keeps the route a CORS preflight matched (any method goes for a
   * preflight) and then fails with a 500, logging every request header, when a plain OPTIONS to the
   * same path hits that entry. The API has few routes; finding one without the cache is cheap.
   */
  @Override
  public String routeCacheSpec() {
    return "off";
  }

  @Override
  public int priority() {
    // Below the system-property provider, above Armeria's defaults.
    return 0;
  }
}
