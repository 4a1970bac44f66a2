package io.cuttle.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private static final Route POLLING = route("polling");
  private static final Route WEB = route("web");
  private static final Route TENANT = route("tenant");
  private static final Route DEEP = route("deep");

  private static Route route(String name) {
    return new Route(name, Upstream.single(InetSocketAddress.createUnresolved(name, 1), false));
  }

  private final RouteTable table =
      RouteTable.builder()
          .exact("polling.example.com", POLLING)
          .wildcard("*.example.com", TENANT)
          .wildcard("*.eu.example.com", DEEP)
          .defaultRoute(WEB)
          .build();

  @Test
  void exactNamesWinOverWildcardsAndLongerWildcardsOverShorter() {
    assertThat(table.forServerName("polling.example.com")).contains(POLLING);
    assertThat(table.forServerName("Polling.Example.COM.")).contains(POLLING);
    assertThat(table.forServerName("acme.example.com")).contains(TENANT);
    assertThat(table.forServerName("a.b.example.com")).contains(TENANT);
    assertThat(table.forServerName("acme.eu.example.com")).contains(DEEP);
  }

  @Test
  void wildcardDoesNotMatchItsOwnApexOrLookalikes() {
    assertThat(table.forServerName("example.com")).contains(WEB);
    assertThat(table.forServerName("badexample.com")).contains(WEB);
  }

  @Test
  void noSniIpLiteralsAndUnknownNamesTakeTheDefault() {
    assertThat(table.forServerName(null)).contains(WEB);
    assertThat(table.forServerName("192.0.2.1")).contains(WEB);
    assertThat(table.forServerName("2001:db8::1")).contains(WEB);
    assertThat(table.forServerName("other.test")).contains(WEB);
  }

  @Test
  void withoutDefaultOrUnparseableRouteNothingIsRouted() {
    RouteTable closed = RouteTable.builder().exact("polling.example.com", POLLING).build();

    assertThat(closed.forServerName("other.test")).isEmpty();
    assertThat(closed.forServerName(null)).isEmpty();
    assertThat(closed.forUnparseable()).isEmpty();
    assertThat(table.forUnparseable())
        .as("the default route never takes unparseable input")
        .isEmpty();
  }

  @Test
  void refusesMalformedAndDuplicateEntriesNamingThem() {
    assertThatThrownBy(() -> RouteTable.builder().wildcard("example.com", WEB))
        .hasMessage("wildcard: 'example.com' (expected: *.example.com)");
    assertThatThrownBy(() -> RouteTable.builder().exact("*.example.com", WEB))
        .hasMessageContaining("'*.example.com'");
    assertThatThrownBy(() -> RouteTable.builder().exact("a.test", WEB).exact("A.test", POLLING))
        .hasMessage("name: 'A.test' is routed twice");
  }

  @Test
  void anOfferedMarkerProtocolWinsOverTheNameSoOneHostCarriesBoth() {
    RouteTable shared =
        RouteTable.builder().alpn("cuttle-polling", POLLING).defaultRoute(WEB).build();

    assertThat(shared.forClientHello("cuttle.example.com", List.of("cuttle-polling", "h2")))
        .contains(POLLING);
    assertThat(shared.forClientHello("cuttle.example.com", List.of("h2", "http/1.1")))
        .contains(WEB);
    assertThat(shared.forClientHello(null, List.of("cuttle-polling"))).contains(POLLING);
  }

  @Test
  void refusesAlpnNamesThatCannotBeOnTheWire() {
    assertThatThrownBy(() -> RouteTable.builder().alpn("", WEB)).hasMessageContaining("alpn: ''");
    assertThatThrownBy(() -> RouteTable.builder().alpn("h2", WEB).alpn("h2", POLLING))
        .hasMessageContaining("routed twice");
  }

  @Test
  void listsEachUpstreamOnce() {
    RouteTable shared =
        RouteTable.builder()
            .alpn("cuttle-polling", POLLING)
            .exact("polling.example.com", POLLING)
            .defaultRoute(WEB)
            .build();

    assertThat(shared.upstreams()).containsExactly(POLLING.upstream(), WEB.upstream());
  }
}
