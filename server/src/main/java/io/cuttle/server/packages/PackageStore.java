package io.cuttle.server.packages;

import com.linecorp.armeria.common.HttpStatus;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.PackageView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packages by id and version: their bytes kept once per SHA-256 ({@link PackageBlobs}), what they
 * are in the {@code packages} table. A version, once pushed, never changes: pushing the same bytes
 * again is harmless, pushing other bytes under it is refused.
 */
public final class PackageStore {
  /** The most a tentacle gets in one {@code FetchPackageChunk} answer. */
  public static final int CHUNK_BYTES = 256 * 1024;

  private static final Logger log = LoggerFactory.getLogger(PackageStore.class);
  private static final String COLUMNS =
      "package_id, version, sha256, size_bytes, format, uploaded_at, uploaded_by";

  private final Jdbi jdbi;
  private final PackageBlobs blobs;
  private final long maxBytes;
  private final PackageUsage usage;

  public PackageStore(
      Jdbi jdbi, Path directory, long maxBytes, PackageUsage usage, java.time.Clock clock)
      throws IOException {
    this.jdbi = jdbi;
    this.blobs = new PackageBlobs(directory, clock.instant());
    this.maxBytes = maxBytes;
    this.usage = usage;
  }

  /** What a push did: stored a new package, or found the identical one already there. */
  public record Pushed(PackageView view, boolean created) {}

  /**
   * Stores {@code body} as package {@code coordinates}, streaming it to disk. Refused, with nothing
   * kept, when it is larger than the limit (413), not a zip or tar.gz (400), or when that version
   * holds other bytes already (409).
   */
  public Pushed push(PackageCoordinates coordinates, InputStream body, String caller, long now) {
    PackageBlobs.Received received;
    try {
      received = blobs.receive(body, maxBytes);
    } catch (PackageBlobs.TooLarge e) {
      throw new ApiException(
          HttpStatus.REQUEST_ENTITY_TOO_LARGE,
          "package "
              + coordinates
              + " is larger than this server accepts ("
              + e.maxBytes
              + " bytes); nothing was stored. Ask the admin to raise --max-package-mb or ship"
              + " a smaller package");
    } catch (IOException e) {
      throw new UncheckedIOException("could not receive package " + coordinates, e);
    }
    try {
      if (received.format().isEmpty()) {
        throw ApiException.badRequest(
            "package "
                + coordinates
                + " is neither a zip nor a tar.gz file (by its first bytes); nothing was stored");
      }
      Optional<PackageView> existing = find(coordinates);
      if (existing.isPresent()) {
        return same(existing.get(), received);
      }
      PackageView view =
          new PackageView(
              coordinates.id(),
              coordinates.version(),
              received.sha256(),
              received.size(),
              received.format().get().label(),
              now,
              caller);
      try {
        jdbi.useHandle(h -> insert(h, view));
      } catch (UnableToExecuteStatementException e) {
        // Pushed at the same moment by someone else: theirs stands, ours must match it.
        return same(find(coordinates).orElseThrow(() -> e), received);
      }
      keepOrForget(coordinates, received);
      log.info(
          "Package {} stored by {}: {} bytes, sha256 {}",
          coordinates,
          caller,
          view.sizeBytes(),
          view.sha256());
      return new Pushed(view, true);
    } catch (IOException e) {
      throw new UncheckedIOException("could not store package " + coordinates, e);
    } finally {
      discardQuietly(received);
    }
  }

  /** A row whose bytes could not be kept would name a package no one can fetch: it goes too. */
  private void keepOrForget(PackageCoordinates coordinates, PackageBlobs.Received received)
      throws IOException {
    try {
      blobs.keep(received);
    } catch (IOException | RuntimeException e) {
      jdbi.useHandle(
          h ->
              h.createUpdate("DELETE FROM packages WHERE package_id = :id AND version = :version")
                  .bind("id", coordinates.id())
                  .bind("version", coordinates.version())
                  .execute());
      throw e;
    }
  }

  private Pushed same(PackageView existing, PackageBlobs.Received received) {
    if (!existing.sha256().equals(received.sha256())) {
      throw ApiException.conflict(
          "package "
              + existing.id()
              + " "
              + existing.version()
              + " is already stored with other content (sha256 "
              + existing.sha256()
              + ", this upload has "
              + received.sha256()
              + "); a version never changes once pushed: push it as a new version");
    }
    return new Pushed(existing, false);
  }

  private void discardQuietly(PackageBlobs.Received received) {
    try {
      blobs.discard(received);
    } catch (IOException e) {
      log.warn("Could not remove the upload's temporary file {}: {}", received.file(), e);
    }
  }

  private static void insert(Handle h, PackageView view) {
    h.createUpdate(
            "INSERT INTO packages ("
                + COLUMNS
                + ") VALUES (:id, :version, :sha256, :size, :format, :uploadedAt, :uploadedBy)")
        .bind("id", view.id())
        .bind("version", view.version())
        .bind("sha256", view.sha256())
        .bind("size", view.sizeBytes())
        .bind("format", view.format())
        .bind("uploadedAt", view.uploadedMillis())
        .bind("uploadedBy", view.uploadedBy())
        .execute();
  }

  public Optional<PackageView> find(PackageCoordinates coordinates) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM packages WHERE package_id = :id AND version = :version")
                .bind("id", coordinates.id())
                .bind("version", coordinates.version())
                .map(PackageStore::view)
                .findOne());
  }

  /** The most recently pushed version of the package {@code id}, if any is stored. */
  public Optional<PackageView> latest(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM packages WHERE package_id = :id"
                        + " ORDER BY uploaded_at DESC, version DESC FETCH FIRST 1 ROWS ONLY")
                .bind("id", id)
                .map(PackageStore::view)
                .findOne());
  }

  /** Every package, by id, newest upload first within an id. */
  public List<PackageView> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT " + COLUMNS + " FROM packages ORDER BY package_id, uploaded_at DESC")
                .map(PackageStore::view)
                .list());
  }

  /**
   * Deletes the package, and its bytes when no other version shares them; refused (409) while
   * something still uses it.
   */
  public PackageView delete(PackageCoordinates coordinates) {
    PackageView view =
        find(coordinates)
            .orElseThrow(() -> ApiException.notFound("no package " + coordinates + " is stored"));
    List<String> users = usage.usersOf(coordinates);
    if (!users.isEmpty()) {
      throw ApiException.conflict(
          "package "
              + coordinates
              + " is still used by "
              + String.join(", ", users)
              + "; delete or change those first");
    }
    boolean lastCopy =
        jdbi.inTransaction(
            h -> {
              h.createUpdate("DELETE FROM packages WHERE package_id = :id AND version = :version")
                  .bind("id", coordinates.id())
                  .bind("version", coordinates.version())
                  .execute();
              return h.createQuery("SELECT COUNT(*) FROM packages WHERE sha256 = :sha256")
                      .bind("sha256", view.sha256())
                      .mapTo(Long.class)
                      .one()
                  == 0;
            });
    if (lastCopy) {
      try {
        blobs.delete(view.sha256());
      } catch (IOException e) {
        log.warn("Package {} deleted, but its file could not be removed: {}", coordinates, e);
      }
    }
    log.info("Package {} deleted", coordinates);
    return view;
  }

  /** Up to {@link #CHUNK_BYTES} of the package's bytes from {@code offset}; empty: not stored. */
  public Optional<byte[]> chunk(String sha256, long offset) {
    try {
      return blobs.read(sha256, offset, CHUNK_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read package " + sha256, e);
    }
  }

  public PackageFormat format(PackageView view) {
    return PackageFormat.ofLabel(view.format());
  }

  private static PackageView view(
      java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new PackageView(
        rs.getString("package_id"),
        rs.getString("version"),
        rs.getString("sha256"),
        rs.getLong("size_bytes"),
        rs.getString("format"),
        rs.getLong("uploaded_at"),
        rs.getString("uploaded_by"));
  }
}
