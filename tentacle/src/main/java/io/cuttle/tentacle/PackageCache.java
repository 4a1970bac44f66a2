package io.cuttle.tentacle;

import io.cuttle.common.io.AtomicFiles;
import io.cuttle.wire.polling.v1.DeployPackage;
import io.cuttle.wire.polling.v1.FetchPackageChunkRequest;
import io.cuttle.wire.polling.v1.LogLine;
import io.cuttle.wire.polling.v1.PackageChunk;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packages on this tentacle, by SHA-256: {@code packages/<sha256>} once fetched and verified, and
 * {@code packages/partial/<sha256>} while being fetched. A fetch cut by a broken connection carries
 * on from the partial file's length, on the next attempt or after a restart; a package in the cache
 * is used without fetching anything. Nothing is used before its SHA-256 matches.
 */
final class PackageCache {
  static final int MAX_FAILURES_IN_A_ROW = 20;
  static final Duration KEEP_UNUSED = Duration.ofDays(30);
  static final Duration KEEP_PARTIAL = Duration.ofDays(7);
  private static final Logger log = LoggerFactory.getLogger(PackageCache.class);
  private static final Set<Status.Code> FINAL =
      Set.of(
          Status.Code.PERMISSION_DENIED,
          Status.Code.NOT_FOUND,
          Status.Code.OUT_OF_RANGE,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.UNIMPLEMENTED,
          Status.Code.UNAUTHENTICATED);

  /** Asks the server for one chunk; the tentacle's polling connection in production. */
  @FunctionalInterface
  interface ChunkSource {
    PackageChunk fetch(FetchPackageChunkRequest request);
  }

  /** The package cannot be had; the message says why in words for the task log. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  private final Path directory;
  private final Path partial;
  private final String tentacleId;
  private final ChunkSource source;
  private final Duration firstRetry;
  private final Clock clock;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  PackageCache(
      Path directory, String tentacleId, ChunkSource source, Duration firstRetry, Clock clock) {
    this.directory = directory;
    this.partial = directory.resolve("partial");
    this.tentacleId = tentacleId;
    this.source = source;
    this.firstRetry = firstRetry;
    this.clock = clock;
  }

  /** Removes packages unused and partial downloads untouched for longer than this cache keeps. */
  void sweep() {
    sweep(directory, KEEP_UNUSED);
    sweep(partial, KEEP_PARTIAL);
  }

  private void sweep(Path folder, Duration keep) {
    if (!Files.isDirectory(folder)) {
      return;
    }
    FileTime oldest = FileTime.from(clock.instant().minus(keep));
    List<Path> files;
    try (Stream<Path> listing = Files.list(folder)) {
      files = listing.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      log.warn("Cannot list {} to clean it up: {}", folder, e.toString());
      return;
    }
    for (Path file : files) {
      // A deployment holding the package's lock is using this very file: leave it.
      ReentrantLock lock = lockOf(file.getFileName().toString());
      if (!lock.tryLock()) {
        continue;
      }
      try {
        if (Files.getLastModifiedTime(file).compareTo(oldest) < 0) {
          Files.deleteIfExists(file);
          log.info("Removed {}, unused since before {}", file, oldest);
        }
      } catch (IOException e) {
        log.warn("Cannot remove {}: {}", file, e.toString());
      } finally {
        lock.unlock();
      }
    }
  }

  private ReentrantLock lockOf(String sha256) {
    return locks.computeIfAbsent(sha256, k -> new ReentrantLock());
  }

  /**
   * The verified package, from the cache or fetched for {@code commandId}; what happens is told to
   * {@code output}. Stops early when {@code stop} says so.
   */
  Path obtain(String commandId, DeployPackage deployment, LineSink output, BooleanSupplier stop)
      throws Unavailable, IOException, InterruptedException {
    String sha256 = deployment.getSha256();
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new Unavailable("the command names no valid sha256 for the package: '" + sha256 + "'");
    }
    // Two commands deploying one package at once fetch it once, one after the other.
    ReentrantLock lock = lockOf(sha256);
    lock.lockInterruptibly();
    try {
      String name = deployment.getPackageId() + " " + deployment.getVersion();
      Path cached = directory.resolve(sha256);
      if (Files.exists(cached)) {
        String actual = sha256Of(cached);
        if (actual.equals(sha256)) {
          Files.setLastModifiedTime(cached, FileTime.from(clock.instant()));
          log.info("Package {} ({}) is in the cache; nothing to download", name, sha256);
          say(
              output,
              "Using cached "
                  + name
                  + " ("
                  + describe(deployment.getSize())
                  + "), sha256 verified");
          return cached;
        }
        Files.delete(cached);
        say(
            output,
            "The cached copy of "
                + name
                + " is damaged (its sha256 is "
                + actual
                + "); removed it and fetching again");
      }
      Path part = partial.resolve(sha256);
      fetch(commandId, deployment, part, output, stop);
      String actual = sha256Of(part);
      if (!actual.equals(sha256)) {
        Files.delete(part);
        throw new Unavailable(
            "package "
                + name
                + " arrived with sha256 "
                + actual
                + " but the server said "
                + sha256
                + "; the download was removed. The server's copy may be damaged: push the"
                + " package again");
      }
      AtomicFiles.moveIntoPlace(part, cached);
      say(output, "Verified sha256 " + sha256);
      return cached;
    } finally {
      lock.unlock();
    }
  }

  private void fetch(
      String commandId, DeployPackage deployment, Path part, LineSink output, BooleanSupplier stop)
      throws Unavailable, IOException, InterruptedException {
    Files.createDirectories(partial);
    long size = deployment.getSize();
    long have = Files.exists(part) ? Files.size(part) : 0;
    if (have > size) {
      Files.delete(part);
      have = 0;
    }
    String name = deployment.getPackageId() + " " + deployment.getVersion();
    say(
        output,
        have == 0
            ? "Fetching " + name + " (" + describe(size) + ")"
            : "Resuming "
                + name
                + " ("
                + describe(size)
                + ") from byte "
                + have
                + ", fetched before");
    Backoff backoff = new Backoff(firstRetry, Duration.ofSeconds(30));
    int failures = 0;
    try (FileChannel out =
        FileChannel.open(
            part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      while (have < size) {
        if (stop.getAsBoolean()) {
          throw new Unavailable("stopped while fetching " + name);
        }
        try {
          PackageChunk chunk =
              source.fetch(
                  FetchPackageChunkRequest.newBuilder()
                      .setTentacleId(tentacleId)
                      .setCommandId(commandId)
                      .setSha256(deployment.getSha256())
                      .setOffset(have)
                      .build());
          if (chunk.getData().isEmpty()) {
            throw new Unavailable(
                "the server ended package " + name + " at byte " + have + " of " + size);
          }
          ByteBuffer data = chunk.getData().asReadOnlyByteBuffer();
          while (data.hasRemaining()) {
            out.write(data);
          }
          have += chunk.getData().size();
          failures = 0;
          backoff.reset();
        } catch (StatusRuntimeException e) {
          if (FINAL.contains(e.getStatus().getCode())) {
            throw new Unavailable(
                "the server refused package "
                    + name
                    + ": "
                    + (e.getStatus().getDescription() == null
                        ? e.getStatus().getCode().toString()
                        : e.getStatus().getDescription()));
          }
          if (++failures > MAX_FAILURES_IN_A_ROW) {
            throw new Unavailable(
                "gave up fetching package "
                    + name
                    + " after "
                    + MAX_FAILURES_IN_A_ROW
                    + " failed attempts in a row at byte "
                    + have
                    + ": "
                    + e.getStatus());
          }
          say(
              output,
              "Connection lost after "
                  + have
                  + " of "
                  + size
                  + " bytes ("
                  + e.getStatus().getCode()
                  + "); resuming from byte "
                  + have);
          Thread.sleep(backoff.next().toMillis());
        }
      }
      out.force(true);
    }
  }

  private static void say(LineSink output, String line) throws InterruptedException {
    output.add(LogLine.Stream.STDOUT, line);
  }

  static String sha256Of(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** A size as a person reads it: "812 bytes", "12.3 MB". */
  static String describe(long bytes) {
    if (bytes < 1000) {
      return bytes + " bytes";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
