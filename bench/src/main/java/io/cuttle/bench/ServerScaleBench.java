package io.cuttle.bench;

import io.cuttle.client.ApiClient;
import io.cuttle.wire.api.RunScriptRequest;
import io.cuttle.wire.api.TargetView;
import io.cuttle.wire.api.TaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Many simulated tentacles through {@code cuttle router} to one {@code cuttle server} node: memory
 * per connected tentacle, dispatch latency at idle and under load, no-op commands per second and
 * how long the fleet takes to come back after the router restarts. Run by {@code
 * bench/server-scale.sh}; see BENCHMARKS.md.
 */
public final class ServerScaleBench {
  private static final Set<String> SETTINGS =
      Set.of("tentacles", "samples", "seconds", "batch", "submitters", "per-router");
  private static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The server and the simulator's JVM each hold one socket per tentacle (the routers, two, but
   * there are as many routers as needed), all under the 20,000 open files a process may have on the
   * bench machine, beside their jars, database files and logs.
   */
  static final int MAX_TENTACLES = 15_000;

  private ServerScaleBench() {}

  /** What one run does; the defaults are the full run documented in BENCHMARKS.md. */
  record Settings(
      List<Integer> tentacleCounts,
      int idleSamples,
      Duration loadPhase,
      int tentaclesPerTask,
      int submitters,
      int tentaclesPerRouter) {
    Settings {
      if (tentaclesPerRouter > RouterTarget.MAX_PROXY_CONNECTIONS) {
        throw new IllegalArgumentException(
            "--per-router: "
                + tentaclesPerRouter
                + " (expected: 1 to "
                + RouterTarget.MAX_PROXY_CONNECTIONS
                + ": a router holds two sockets per tentacle under the file limit)");
      }
      tentacleCounts = List.copyOf(tentacleCounts);
      for (int count : tentacleCounts) {
        if (count <= 0 || count > MAX_TENTACLES) {
          throw new IllegalArgumentException(
              "--tentacles: "
                  + count
                  + " (expected: 1 to "
                  + MAX_TENTACLES
                  + ": the server and the simulator hold one socket per tentacle each under"
                  + " the file limit)");
        }
      }
    }

    static Settings parse(String[] args) {
      BenchArguments arguments = new BenchArguments(args, SETTINGS);
      List<Integer> counts = new ArrayList<>();
      for (String count : arguments.text("tentacles", "1000,10000").split(",")) {
        try {
          counts.add(Integer.parseInt(count.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "--tentacles: '"
                  + count
                  + "' (expected: counts separated by commas, e.g. 1000,10000)");
        }
      }
      return new Settings(
          counts,
          arguments.positiveInt("samples", 100),
          Duration.ofSeconds(arguments.positiveInt("seconds", 10)),
          arguments.positiveInt("batch", 100),
          arguments.positiveInt("submitters", 4),
          arguments.positiveInt("per-router", ServerNode.TENTACLES_PER_ROUTER));
    }
  }

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.parse(args);
    System.out.println(BenchMachine.describe());
    for (int count : settings.tentacleCounts()) {
      Path dir = Files.createTempDirectory("cuttle-server-scale");
      ServerScaleFigures figures = run(settings, count, dir, System.out::println);
      System.out.println(figures.render());
    }
  }

  static ServerScaleFigures run(Settings settings, int count, Path dir, Consumer<String> progress)
      throws Exception {
    progress.accept(count + " tentacles, " + BenchMachine.loadAverage());
    try (ServerNode node = new ServerNode(dir, count, settings.tentaclesPerRouter());
        ApiClient api = node.api()) {
      progress.accept("  " + node.routerCount() + " router process(es) on one port");
      Jcmd.collectGarbage(node.serverPid());
      long heapBefore = Jcmd.heapUsedBytes(node.serverPid());
      long rssBefore = node.serverResidentBytes();

      long registering = System.nanoTime();
      try (SimulatedFleet fleet =
          new SimulatedFleet(api, node.thumbprint(), node.pollingUrl(), "sim-", count, 8)) {
        Duration registration = Duration.ofNanos(System.nanoTime() - registering);
        progress.accept("  registered in " + seconds(registration) + " s");
        long connecting = System.nanoTime();
        fleet.startAll();
        Duration connect = fleet.awaitAllConnected(connecting, CONNECT_TIMEOUT);
        progress.accept("  all connected in " + seconds(connect) + " s");

        Thread.sleep(2_000); // let the first polls settle into being held
        Jcmd.collectGarbage(node.serverPid());
        long heapPerTentacle = (Jcmd.heapUsedBytes(node.serverPid()) - heapBefore) / count;
        long rssPerTentacle = (node.serverResidentBytes() - rssBefore) / count;

        long[] idleApiCalls = new long[settings.idleSamples()];
        long[] idle = idleDispatchNanos(fleet, api, idleApiCalls);
        progress.accept("  idle dispatch measured, " + BenchMachine.loadAverage());
        Load load = underLoad(settings, fleet, api);
        progress.accept("  load measured, " + BenchMachine.loadAverage());

        long restarting = System.nanoTime();
        long refusalsBefore = fleet.refusals();
        node.restartRouters();
        Duration routerRestart = Duration.ofNanos(System.nanoTime() - restarting);
        Duration reconnect = fleet.awaitAllConnected(restarting, CONNECT_TIMEOUT);
        progress.accept("  all reconnected in " + seconds(reconnect) + " s");

        return new ServerScaleFigures(
            count,
            heapPerTentacle,
            rssPerTentacle,
            percentile(idle, 0.50),
            percentile(idle, 0.99),
            percentile(idleApiCalls, 0.50),
            percentile(load.dispatchNanos, 0.50),
            percentile(load.dispatchNanos, 0.99),
            load.commandsPerSecond,
            load.notReceived,
            registration,
            connect,
            routerRestart,
            reconnect,
            fleet.refusals() - refusalsBefore,
            node.serverAlive(),
            BenchMachine.loadAverage());
      }
    }
  }

  /**
   * One command at a time to a random tentacle: from the API call to the tentacle's receipt,
   * sorted. Fills {@code apiCalls} (sorted too) with how long each API call itself took, to tell
   * queueing from delivery.
   */
  private static long[] idleDispatchNanos(SimulatedFleet fleet, ApiClient api, long[] apiCalls)
      throws InterruptedException {
    long[] nanos = new long[apiCalls.length];
    for (int i = 0; i < nanos.length; i++) {
      String name = randomTentacles(fleet, 1).get(0);
      long queued = System.nanoTime();
      TaskView task = api.runScript(noOp(List.of(name)));
      apiCalls[i] = System.nanoTime() - queued;
      String commandId = task.targets().get(0).commandId();
      Long received = awaitReceipt(fleet, commandId, System.nanoTime() + RECEIPT_TIMEOUT.toNanos());
      if (received == null) {
        throw new IllegalStateException(
            "command " + commandId + " for " + name + " did not arrive within " + RECEIPT_TIMEOUT);
      }
      nanos[i] = received - queued;
    }
    java.util.Arrays.sort(nanos);
    java.util.Arrays.sort(apiCalls);
    return nanos;
  }

  private record Load(double commandsPerSecond, long[] dispatchNanos, long notReceived) {}

  /**
   * {@code submitters} threads queue tasks of {@code tentaclesPerTask} no-op commands as fast as
   * the API takes them, for the load phase. Commands per second are the results recorded in that
   * time; dispatch latency is from the API call that queued a command to its tentacle's receipt.
   */
  private static Load underLoad(Settings settings, SimulatedFleet fleet, ApiClient api)
      throws Exception {
    List<long[]> queued = Collections.synchronizedList(new ArrayList<>()); // [nanos] per command
    List<String> commandIds = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    int perTask = Math.min(settings.tentaclesPerTask(), fleet.tentacles().size());
    List<Thread> submitters = new ArrayList<>();
    long completedBefore = fleet.completed();
    long start = System.nanoTime();
    for (int i = 0; i < settings.submitters(); i++) {
      Thread submitter =
          new Thread(
              () -> {
                try {
                  while (running.get()) {
                    long at = System.nanoTime();
                    TaskView task = api.runScript(noOp(randomTentacles(fleet, perTask)));
                    for (TargetView target : task.targets()) {
                      commandIds.add(target.commandId());
                      queued.add(new long[] {at});
                    }
                  }
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              },
              "bench-submitter-" + i);
      submitter.setDaemon(true);
      submitter.start();
      submitters.add(submitter);
    }
    Thread.sleep(settings.loadPhase().toMillis());
    long completed = fleet.completed() - completedBefore;
    double elapsed = (System.nanoTime() - start) / 1e9;
    running.set(false);
    for (Thread submitter : submitters) {
      submitter.join(RECEIPT_TIMEOUT.toMillis());
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("queueing commands failed", failures.get(0));
    }
    List<Long> dispatch = new ArrayList<>();
    long notReceived = 0;
    List<String> ids;
    List<long[]> at;
    synchronized (commandIds) {
      ids = List.copyOf(commandIds);
    }
    synchronized (queued) {
      at = List.copyOf(queued);
    }
    // One deadline for all of them: a server far behind must not cost the timeout per command.
    long deadline = System.nanoTime() + RECEIPT_TIMEOUT.toNanos();
    for (int i = 0; i < ids.size(); i++) {
      Long received = awaitReceipt(fleet, ids.get(i), deadline);
      if (received == null) {
        notReceived++;
      } else {
        dispatch.add(received - at.get(i)[0]);
      }
    }
    long[] sorted = dispatch.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Load(completed / elapsed, sorted, notReceived);
  }

  /** When the command reached its tentacle, or null if it did not before {@code deadline}. */
  private static Long awaitReceipt(SimulatedFleet fleet, String commandId, long deadline)
      throws InterruptedException {
    Long received;
    while ((received = fleet.receivedAt(commandId)) == null && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    return received;
  }

  private static RunScriptRequest noOp(List<String> tentacles) {
    return new RunScriptRequest("true", "bash", null, List.of(), tentacles, 120L, 60L);
  }

  private static List<String> randomTentacles(SimulatedFleet fleet, int count) {
    List<SimulatedTentacle> all = fleet.tentacles();
    int from = ThreadLocalRandom.current().nextInt(all.size());
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(all.get((from + i) % all.size()).name);
    }
    return names;
  }

  static long percentile(long[] sorted, double fraction) {
    return sorted.length == 0 ? -1 : RouterBench.percentile(sorted, fraction);
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }
}
