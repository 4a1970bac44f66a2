package io.cuttle.tentacle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cuttle.common.io.AtomicFiles;
import io.cuttle.common.pki.Thumbprint;
import io.cuttle.wire.api.CommsStyle;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

/**
 * A registered instance's settings, stored as {@code tentacle.json} in its home. Written whole to a
 * temporary file and renamed, so a crash mid-write leaves the previous registration intact, and
 * owner-only, because it may hold a proxy password ({@link TentacleProxy}). Every field is
 * documented in docs/tentacle.md.
 *
 * @param proxy absent, not null, in files of instances that never had a proxy setting
 * @param deregisteredAtMillis when {@code cuttle tentacle deregister} removed it from the server;
 *     null while registered. The file is kept so that the operator still sees where it was.
 * @param maxConcurrentCommands how many commands may run at once; absent means one
 * @param concurrentPolls how many polls are held open at once; absent means {@link
 *     #DEFAULT_CONCURRENT_POLLS}
 * @param nextServerThumbprint the certificate the server announced it will switch to, trusted
 *     beside {@code serverThumbprint} until the server presents it, when it takes its place; absent
 *     when no rotation of the server's certificate is under way
 */
public record TentacleConfig(
    int formatVersion,
    String name,
    String tentacleId,
    String serverUrl,
    String pollingUrl,
    CommsStyle commsStyle,
    String serverThumbprint,
    String environment,
    List<String> roles,
    long registeredAtMillis,
    @JsonInclude(JsonInclude.Include.NON_NULL) TentacleProxy proxy,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long deregisteredAtMillis,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer maxConcurrentCommands,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer concurrentPolls,
    @JsonInclude(JsonInclude.Include.NON_NULL) String nextServerThumbprint) {
  static final int FORMAT_VERSION = 1;

  /**
   * Enough for a busy tentacle to keep a poll open for new work and one for cancel requests while a
   * third reconnects, without holding many idle calls on the server.
   */
  public static final int DEFAULT_CONCURRENT_POLLS = 3;

  public static final int MAX_CONCURRENT_COMMANDS = 64;
  public static final int MAX_CONCURRENT_POLLS = 16;
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** A registered instance (the form registration writes). */
  public TentacleConfig(
      int formatVersion,
      String name,
      String tentacleId,
      String serverUrl,
      String pollingUrl,
      CommsStyle commsStyle,
      String serverThumbprint,
      String environment,
      List<String> roles,
      long registeredAtMillis,
      TentacleProxy proxy) {
    this(
        formatVersion,
        name,
        tentacleId,
        serverUrl,
        pollingUrl,
        commsStyle,
        serverThumbprint,
        environment,
        roles,
        registeredAtMillis,
        proxy,
        null,
        null,
        null,
        null);
  }

  /** The proxy setting; a file written before proxies existed means "as the environment says". */
  public TentacleProxy proxySetting() {
    return proxy == null ? TentacleProxy.environment() : proxy;
  }

  public TentacleConfig withProxy(TentacleProxy newProxy) {
    return withLocalSettings(
        newProxy, deregisteredAtMillis, maxConcurrentCommands, concurrentPolls);
  }

  /** How many commands may run at once: one unless configured. */
  public int commandSlots() {
    return maxConcurrentCommands == null ? 1 : maxConcurrentCommands;
  }

  /** How many polls to hold open at once. */
  public int pollCount() {
    return concurrentPolls == null ? DEFAULT_CONCURRENT_POLLS : concurrentPolls;
  }

  /**
   * This configuration with new concurrency limits; a null argument keeps the current value.
   *
   * @throws IllegalArgumentException naming the field, for a value out of range
   */
  public TentacleConfig withConcurrency(Integer commands, Integer polls) {
    check("maxConcurrentCommands", commands, MAX_CONCURRENT_COMMANDS);
    check("concurrentPolls", polls, MAX_CONCURRENT_POLLS);
    return withLocalSettings(
        proxy,
        deregisteredAtMillis,
        commands == null ? maxConcurrentCommands : commands,
        polls == null ? concurrentPolls : polls);
  }

  private static void check(String field, Integer value, int max) {
    if (value != null && (value < 1 || value > max)) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: 1 to " + max + ")");
    }
  }

  public boolean registered() {
    return deregisteredAtMillis == null;
  }

  /** This configuration, marked as removed from its server at {@code nowMillis}. */
  public TentacleConfig deregistered(long nowMillis) {
    return withLocalSettings(proxy, nowMillis, maxConcurrentCommands, concurrentPolls);
  }

  /** The same registration with other settings of this machine's own. */
  private TentacleConfig withLocalSettings(
      TentacleProxy proxy, Long deregisteredAtMillis, Integer commands, Integer polls) {
    return new TentacleConfig(
        formatVersion,
        name,
        tentacleId,
        serverUrl,
        pollingUrl,
        commsStyle,
        serverThumbprint,
        environment,
        roles,
        registeredAtMillis,
        proxy,
        deregisteredAtMillis,
        commands,
        polls,
        nextServerThumbprint);
  }

  /** The server thumbprints to trust: the current one, and the next one when it was announced. */
  public Set<Thumbprint> serverPins() {
    Thumbprint current = Thumbprint.parse(serverThumbprint);
    return nextServerThumbprint == null
        ? Set.of(current)
        : Set.of(current, Thumbprint.parse(nextServerThumbprint));
  }

  /** This configuration, trusting {@code next} beside the current server thumbprint. */
  public TentacleConfig withNextServerThumbprint(Thumbprint next) {
    return withServerPins(serverThumbprint, next.toString());
  }

  /** This configuration after the server switched to its next certificate: it alone is trusted. */
  public TentacleConfig withNextServerThumbprintPromoted() {
    if (nextServerThumbprint == null) {
      throw new IllegalStateException("no next server thumbprint to promote");
    }
    return withServerPins(nextServerThumbprint, null);
  }

  private TentacleConfig withServerPins(String current, String next) {
    return new TentacleConfig(
        formatVersion,
        name,
        tentacleId,
        serverUrl,
        pollingUrl,
        commsStyle,
        current,
        environment,
        roles,
        registeredAtMillis,
        proxy,
        deregisteredAtMillis,
        maxConcurrentCommands,
        concurrentPolls,
        next);
  }

  public static TentacleConfig load(TentacleHome home) throws IOException {
    if (!Files.exists(home.configFile())) {
      throw new IOException(
          "tentacle instance '"
              + home.instance()
              + "' is not registered (no "
              + home.configFile()
              + "); run 'cuttle tentacle register --instance "
              + home.instance()
              + " ...' first");
    }
    try {
      TentacleConfig config = JSON.readValue(home.configFile().toFile(), TentacleConfig.class);
      // A hand-edited 0 or 1000 would otherwise surface much later, as a tentacle that never
      // takes work or starts a thousand scripts.
      check("maxConcurrentCommands", config.maxConcurrentCommands(), MAX_CONCURRENT_COMMANDS);
      check("concurrentPolls", config.concurrentPolls(), MAX_CONCURRENT_POLLS);
      return config;
    } catch (IllegalArgumentException e) {
      throw new IOException(
          home.configFile() + " is not a usable tentacle configuration: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IOException(
          home.configFile() + " is not a readable tentacle configuration: " + e.getMessage(), e);
    }
  }

  public void save(TentacleHome home) throws IOException {
    AtomicFiles.createPrivateDirectories(home.directory());
    AtomicFiles.writePrivate(home.configFile(), JSON.writeValueAsBytes(this));
  }
}
