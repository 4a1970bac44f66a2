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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * @param nextServerThumbprint the certificate the first server announced it will switch to, trusted
 *     beside {@code serverThumbprint} until the server presents it, when it takes its place; absent
 *     when no rotation of the server's certificate is under way (added servers keep theirs in
 *     {@link ServerLink#nextServerThumbprint})
 * @param additionalServers servers added with {@code cuttle tentacle poll-server}, polled besides
 *     the first one (whose settings are the fields above); absent means none
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
    @JsonInclude(JsonInclude.Include.NON_NULL) String nextServerThumbprint,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ServerLink> additionalServers) {
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

  public TentacleConfig {
    additionalServers = additionalServers == null ? List.of() : List.copyOf(additionalServers);
  }

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
        null,
        List.of());
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

  /** True while the first server has not been left with {@code cuttle tentacle deregister}. */
  public boolean registered() {
    return deregisteredAtMillis == null;
  }

  /** The first server, the one {@code cuttle tentacle register} registered with. */
  public ServerLink primaryServer() {
    return new ServerLink(
        name,
        tentacleId,
        serverUrl,
        pollingUrl,
        commsStyle,
        serverThumbprint,
        environment,
        roles,
        registeredAtMillis,
        nextServerThumbprint);
  }

  /** The first server's pins (see {@link ServerLink#serverPins}). */
  public Set<Thumbprint> serverPins() {
    return primaryServer().serverPins();
  }

  /** Every server this instance is registered with now, the first one first. */
  public List<ServerLink> activeServers() {
    List<ServerLink> active = new ArrayList<>();
    if (registered()) {
      active.add(primaryServer());
    }
    active.addAll(additionalServers);
    return active;
  }

  /** The server at {@code url} this instance knows of, registered now or (the first) once. */
  public Optional<ServerLink> server(String url) {
    if (primaryServer().isAt(url)) {
      return Optional.of(primaryServer());
    }
    return additionalServers.stream().filter(s -> s.isAt(url)).findFirst();
  }

  /** This configuration, polling {@code link} as well. */
  public TentacleConfig withAdditionalServer(ServerLink link) {
    List<ServerLink> servers = new ArrayList<>(additionalServers);
    servers.add(link);
    return withAdditionalServers(servers);
  }

  /** This configuration without the added server at {@code url}. */
  public TentacleConfig withoutAdditionalServer(String url) {
    return withAdditionalServers(additionalServers.stream().filter(s -> !s.isAt(url)).toList());
  }

  /** This configuration polling exactly {@code servers} besides the first one. */
  public TentacleConfig withAdditionalServers(List<ServerLink> servers) {
    return copy(proxy, deregisteredAtMillis, maxConcurrentCommands, concurrentPolls, servers);
  }

  /** This configuration, marked as removed from its server at {@code nowMillis}. */
  public TentacleConfig deregistered(long nowMillis) {
    return withLocalSettings(proxy, nowMillis, maxConcurrentCommands, concurrentPolls);
  }

  /** The same registration with other settings of this machine's own. */
  private TentacleConfig withLocalSettings(
      TentacleProxy proxy, Long deregisteredAtMillis, Integer commands, Integer polls) {
    return copy(proxy, deregisteredAtMillis, commands, polls, additionalServers);
  }

  /** The same first server with every other field as given. */
  private TentacleConfig copy(
      TentacleProxy proxy,
      Long deregisteredAtMillis,
      Integer commands,
      Integer polls,
      List<ServerLink> servers) {
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
        nextServerThumbprint,
        servers);
  }

  /**
   * This configuration with the pins of {@code server} (the first server or an added one, matched
   * by its tentacle id) replaced by {@code server}'s.
   */
  public TentacleConfig withServerPins(ServerLink server) {
    if (server.tentacleId().equals(tentacleId) && primaryServer().isAt(server.serverUrl())) {
      return new TentacleConfig(
          formatVersion,
          name,
          tentacleId,
          serverUrl,
          pollingUrl,
          commsStyle,
          server.serverThumbprint(),
          environment,
          roles,
          registeredAtMillis,
          proxy,
          deregisteredAtMillis,
          maxConcurrentCommands,
          concurrentPolls,
          server.nextServerThumbprint(),
          additionalServers);
    }
    return withAdditionalServers(
        additionalServers.stream()
            .map(s -> s.tentacleId().equals(server.tentacleId()) ? server : s)
            .toList());
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
