package io.cuttle.server.web;

import io.cuttle.server.CuttleServer;
import io.cuttle.server.ServerConfig;
import io.cuttle.server.ServerConfigBuilder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * One real Cuttle server per test class, on loopback ephemeral ports, its data in a temp folder
 * removed afterwards. Register it as a static field with {@code @RegisterExtension}, configured
 * further where the class needs it:
 *
 * <pre>{@code
 * @RegisterExtension static final ServerPerClass cuttle = new ServerPerClass(b -> b.clock(still));
 * private static CuttleServer server; // set by the extension
 * private static ApiCaller api; // set by the extension
 * }</pre>
 *
 * It starts the server before the class's {@code @BeforeAll} methods run, so they can already call
 * it, and sets the class's static fields of type {@link CuttleServer} and {@link ApiCaller}. The
 * tests of a class share the server, so each leaves state the others do not count on; a class whose
 * tests need a fresh server each starts its own with {@link #start}.
 */
final class ServerPerClass implements BeforeAllCallback, AfterAllCallback {
  private final UnaryOperator<ServerConfigBuilder> config;
  private Path data;
  private CuttleServer server;
  private ApiCaller api;

  ServerPerClass() {
    this(b -> b);
  }

  /** {@code config} changes the defaults of {@link #start} (a clock, a timeout, a limit). */
  ServerPerClass(UnaryOperator<ServerConfigBuilder> config) {
    this.config = config;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    data = Files.createTempDirectory("cuttle-server");
    server = start(data, config);
    api = new ApiCaller(server);
    Class<?> testClass = context.getRequiredTestClass();
    for (Field field :
        ReflectionSupport.findFields(
            testClass, ServerPerClass::injected, HierarchyTraversalMode.TOP_DOWN)) {
      field.setAccessible(true);
      field.set(null, field.getType() == ApiCaller.class ? api : server);
    }
  }

  private static boolean injected(Field field) {
    return Modifier.isStatic(field.getModifiers())
        && !Modifier.isFinal(field.getModifiers())
        && (field.getType() == CuttleServer.class || field.getType() == ApiCaller.class);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (api != null) {
      api.close();
    }
    if (server != null) {
      server.close();
    }
    if (data != null) {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  CuttleServer server() {
    return server;
  }

  ApiCaller api() {
    return api;
  }

  /** The server's data directory: its database, keys and packages. */
  Path data() {
    return data;
  }

  /** A server on loopback ephemeral ports with short polls, configured further by {@code extra}. */
  static CuttleServer start(Path data, UnaryOperator<ServerConfigBuilder> extra)
      throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    return CuttleServer.start(
        extra
            .apply(
                ServerConfig.builder()
                    .dataDirectory(data)
                    .publicAddress(new InetSocketAddress(loopback, 0))
                    .legacyPollingAddress(new InetSocketAddress(loopback, 0))
                    .adminAddress(new InetSocketAddress(loopback, 0))
                    .pollWait(Duration.ofSeconds(5))
                    .silenceTimeout(Duration.ofSeconds(30)))
            .build());
  }
}
