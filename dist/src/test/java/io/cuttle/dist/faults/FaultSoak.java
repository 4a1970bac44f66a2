package io.cuttle.dist.faults;

import ch.qos.logback.classic.Level;
import io.cuttle.dist.LogCapture;
import io.cuttle.dist.PeakDirectMemory;
import io.cuttle.dist.TestFleet;
import io.cuttle.wire.api.CommandState;
import io.cuttle.wire.api.LogEntry;
import io.cuttle.wire.api.TaskView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Tentacles behind fault forwarders, sent commands while a seeded random sequence of faults hits
 * their links, then checked: every command ran once, ended recorded once, and logged every line
 * once and in order. Hostile peers at the polling listener are faults too ({@link HostilePeers}),
 * and the server's direct memory and the log lines they cause are measured. The same seed gives the
 * same sequence of commands and faults (their timing against the scripts still varies), so a
 * failure's seed is the first thing to report.
 */
final class FaultSoak {
  private static final int TENTACLES = 2;

  enum Fault {
    RESET,
    PAUSE,
    LATENCY,
    CUT,
    REFUSE,
    HOLD_TAIL,
    HALF_OPEN,
    /** A peer without a certificate floods the polling listener with message bodies. */
    STRANGER_FLOOD,
    /** A registered tentacle's certificate in hostile hands: calls whose answers it never reads. */
    TENTACLE_READS_NOTHING
  }

  private static final Set<Fault> HOSTILE_PEERS =
      EnumSet.of(Fault.STRANGER_FLOOD, Fault.TENTACLE_READS_NOTHING);

  /** What a soak did and what it found. */
  record Report(
      long seed,
      Duration length,
      int commands,
      Map<Fault, Integer> faults,
      int lost,
      int duplicated,
      List<String> problems,
      long directMemoryGrowth,
      List<String> hostileLogLines) {
    String summary() {
      return "Fault soak (seed "
          + seed
          + ", "
          + length.toSeconds()
          + " s): "
          + commands
          + " commands run, faults injected "
          + faults
          + ", "
          + lost
          + " lost, "
          + duplicated
          + " duplicated, server direct memory grown by "
          + (directMemoryGrowth >> 10)
          + " KiB at most, "
          + hostileLogLines.size()
          + " log lines about hostile peers"
          + (problems.isEmpty() ? "" : "; problems: " + problems);
    }
  }

  private record Sent(ExactlyOnce script, String taskId) {}

  private final Path directory;
  private final long seed;
  private final Random random;
  private final List<Fault> allowed;
  private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
  private HostilePeers hostile;

  /**
   * A soak in {@code directory} driven by {@code seed}, using only the {@code allowed} faults (a
   * half-open link takes a heartbeat's time to notice, too long for a run of seconds).
   */
  FaultSoak(Path directory, long seed, List<Fault> allowed) {
    this.directory = directory;
    this.seed = seed;
    this.random = new Random(seed);
    this.allowed = List.copyOf(allowed);
  }

  Report run(Duration length) throws Exception {
    System.out.println(
        "Fault soak seed: " + seed + " (rerun with -Dcuttle.soak.seed=" + seed + ")");
    List<FaultForwarder> links = new ArrayList<>();
    List<Sent> sent = new ArrayList<>();
    try (TestFleet fleet = new TestFleet(directory);
        LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      for (int i = 0; i < TENTACLES; i++) {
        FaultForwarder link = FaultForwarder.toLoopback(fleet.publicPort());
        links.add(link);
        fleet.start(fleet.register(tentacle(i), "https://polling.localhost:" + link.port()));
      }
      hostile = new HostilePeers(fleet);
      PeakDirectMemory memory = new PeakDirectMemory();
      long deadline = System.nanoTime() + length.toNanos();
      // Bounded by the clock and, should every step be instant, by a count as well.
      for (int step = 0; step < 100_000 && System.nanoTime() < deadline; step++) {
        int target = random.nextInt(TENTACLES);
        ExactlyOnce script =
            ExactlyOnce.script(directory, "soak-" + step, 1 + random.nextInt(20), "0.02");
        String taskId = fleet.runScript(script.source(), List.of(tentacle(target)), 600L).id();
        sent.add(new Sent(script, taskId));
        inject(links.get(random.nextInt(TENTACLES)), step);
        Thread.sleep(100 + random.nextInt(700));
      }
      links.forEach(FaultForwarder::heal);
      memory.close();
      List<String> hostileLines =
          java.util.stream.Stream.concat(
                  log.messagesAt(Level.WARN).stream(), log.messagesAt(Level.ERROR).stream())
              .filter(line -> line.contains("no client certificate") || line.contains("hostile"))
              .toList();
      return check(fleet, sent, length, memory.peak() - memory.before, hostileLines);
    } finally {
      for (FaultForwarder link : links) {
        link.close();
      }
    }
  }

  private void inject(FaultForwarder link, int step) throws Exception {
    // Each hostile peer allowed comes first, so that even a run of seconds meets every one of them.
    List<Fault> hostilePeers = allowed.stream().filter(HOSTILE_PEERS::contains).toList();
    Fault fault =
        step < hostilePeers.size()
            ? hostilePeers.get(step)
            : allowed.get(random.nextInt(allowed.size()));
    injected.merge(fault, 1, Integer::sum);
    switch (fault) {
      case RESET -> link.resetAll();
      case PAUSE -> {
        link.pause();
        Thread.sleep(100 + random.nextInt(1500));
        link.resume();
      }
      case LATENCY -> link.latency(Duration.ofMillis(random.nextInt(150)));
      case CUT -> link.cutOnceAfter(1 + random.nextInt(20_000));
      case REFUSE -> {
        link.resetAll();
        link.refuseNew(true);
        Thread.sleep(200 + random.nextInt(2000));
        link.refuseNew(false);
      }
      case HOLD_TAIL -> {
        link.holdBackTail(1 + random.nextInt(64));
        Thread.sleep(200 + random.nextInt(1000));
        link.resetAll();
        link.releaseHeld();
      }
      case HALF_OPEN -> link.blackhole();
      case STRANGER_FLOOD -> hostile.strangerFloodsBodies();
      case TENTACLE_READS_NOTHING ->
          hostile.tentacleReadsNothing(Duration.ofMillis(200 + random.nextInt(1000)));
    }
  }

  private Report check(
      TestFleet fleet,
      List<Sent> sent,
      Duration length,
      long directMemoryGrowth,
      List<String> hostileLogLines)
      throws InterruptedException, IOException {
    int lost = 0;
    int duplicated = 0;
    List<String> problems = new ArrayList<>();
    for (Sent one : sent) {
      List<String> lines = fleet.follow(one.taskId()).stream().map(LogEntry::text).toList();
      TaskView task = fleet.task(one.taskId());
      int runs =
          Files.exists(one.script().runs()) ? Files.readAllLines(one.script().runs()).size() : 0;
      if (runs == 0) {
        lost++;
      } else if (runs > 1) {
        duplicated++;
      }
      if (task.targets().size() != 1 || task.targets().get(0).state() != CommandState.SUCCEEDED) {
        problems.add(one.script().name() + " ended " + task.targets());
      }
      if (!lines.equals(one.script().expectedLines())) {
        problems.add(one.script().name() + " logged " + lines);
      }
    }
    Report report =
        new Report(
            seed,
            length,
            sent.size(),
            Collections.unmodifiableMap(new EnumMap<>(injected)),
            lost,
            duplicated,
            problems,
            directMemoryGrowth,
            hostileLogLines);
    System.out.println(report.summary());
    return report;
  }

  private static String tentacle(int index) {
    return "soaked-" + index;
  }
}
