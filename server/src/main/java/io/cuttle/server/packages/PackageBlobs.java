package io.cuttle.server.packages;

import io.cuttle.common.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Package bytes as files named by their SHA-256: {@code sha256/ab/<hash>} under the package
 * directory. A push streams into {@code incoming/} while it is hashed and counted, and is renamed
 * into place only when complete, so a reader never sees part of a package and a cut upload leaves
 * nothing behind but a temporary file that is removed.
 */
final class PackageBlobs {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int COPY_BUFFER = 64 * 1024;
  private static final Duration ABANDONED_AFTER = Duration.ofDays(1);

  private final Path root;
  private final Path incoming;

  PackageBlobs(Path root, Instant now) throws IOException {
    this.root = root;
    this.incoming = root.resolve("incoming");
    AtomicFiles.createPrivateDirectories(incoming);
    removeAbandonedUploads(now);
  }

  /**
   * Uploads cut short by a crash leave their temporary file behind. Another node sharing the
   * directory may be receiving one right now, so only files far older than any upload may take
   * ({@link #ABANDONED_AFTER}) are removed.
   */
  private void removeAbandonedUploads(Instant now) throws IOException {
    FileTime before = FileTime.from(now.minus(ABANDONED_AFTER));
    List<Path> abandoned;
    try (Stream<Path> files = Files.list(incoming)) {
      abandoned = files.filter(f -> modified(f).compareTo(before) < 0).toList();
    }
    for (Path file : abandoned) {
      Files.deleteIfExists(file);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.from(Instant.MAX); // gone already, or unreadable: leave it
    }
  }

  /** A complete upload waiting in {@code incoming/} to be kept or thrown away. */
  record Received(Path file, String sha256, long size, Optional<PackageFormat> format) {}

  /**
   * Copies {@code body} to a temporary file, at most {@code maxBytes}; more throws {@link TooLarge}
   * with the temporary file already removed.
   */
  Received receive(InputStream body, long maxBytes) throws IOException {
    Path temp = Files.createTempFile(incoming, "upload-", ".part");
    try {
      MessageDigest digest = sha256();
      byte[] buffer = new byte[COPY_BUFFER];
      byte[] head = new byte[PackageFormat.SIGNATURE_BYTES];
      int headLength = 0;
      long size = 0;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
        for (int n; (n = body.read(buffer)) >= 0; ) {
          size += n;
          if (size > maxBytes) {
            throw new TooLarge(maxBytes);
          }
          int forHead = Math.min(n, head.length - headLength);
          System.arraycopy(buffer, 0, head, headLength, forHead);
          headLength += forHead;
          out.write(buffer, 0, n);
        }
      }
      return new Received(
          temp,
          HexFormat.of().formatHex(digest.digest()),
          size,
          PackageFormat.recognise(head, headLength));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** Makes the received bytes the blob of their hash; identical bytes already there are kept. */
  void keep(Received received) throws IOException {
    Path target = pathOf(received.sha256());
    Files.createDirectories(target.getParent());
    AtomicFiles.moveIntoPlace(received.file(), target);
  }

  void discard(Received received) throws IOException {
    Files.deleteIfExists(received.file());
  }

  void delete(String sha256) throws IOException {
    Files.deleteIfExists(pathOf(sha256));
  }

  /**
   * Up to {@code maxBytes} of the blob from {@code offset}; empty at or past the end, and empty
   * optional when there is no such blob.
   */
  Optional<byte[]> read(String sha256, long offset, int maxBytes) throws IOException {
    try (FileChannel channel = FileChannel.open(pathOf(sha256), StandardOpenOption.READ)) {
      long remaining = Math.max(0, channel.size() - offset);
      ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(maxBytes, remaining));
      while (chunk.hasRemaining()) {
        if (channel.read(chunk, offset + chunk.position()) < 0) {
          break;
        }
      }
      return Optional.of(Arrays.copyOf(chunk.array(), chunk.position()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  Path pathOf(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a lowercase hex SHA-256: '" + sha256 + "'");
    }
    return root.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** The upload passed the size limit; nothing of it is kept. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
    final long maxBytes;

    TooLarge(long maxBytes) {
      super("more than " + maxBytes + " bytes");
      this.maxBytes = maxBytes;
    }
  }
}
