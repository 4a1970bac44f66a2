package io.cuttle.server.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpStatus;
import io.cuttle.server.data.Database;
import io.cuttle.server.web.ApiException;
import io.cuttle.wire.api.PackageView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageStoreTest {
  private static final byte[] ZIP = zipLike("first");
  private static final byte[] OTHER_ZIP = zipLike("second");

  @TempDir Path dir;
  private Database database;
  private Path packages;

  @BeforeEach
  void open() {
    database = Database.open(Database.embeddedUrl(dir), null, null);
    packages = dir.resolve("packages");
  }

  @AfterEach
  void close() {
    database.close();
  }

  private PackageStore store(long maxBytes, PackageUsage usage) throws IOException {
    return new PackageStore(database.jdbi(), packages, maxBytes, usage, Clock.systemUTC());
  }

  private static PackageStore.Pushed push(PackageStore store, String id, String version, byte[] b) {
    return store.push(
        PackageCoordinates.of(id, version), new ByteArrayInputStream(b), "tester", 1000L);
  }

  @Test
  void aPushIsStoredUnderItsSha256WithItsMetadata() throws Exception {
    PackageStore store = store(1024, PackageUsage.NONE);

    PackageStore.Pushed pushed = push(store, "Acme.Web", "1.2.0", ZIP);

    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ZIP));
    assertThat(pushed.created()).isTrue();
    assertThat(pushed.view())
        .isEqualTo(
            new PackageView("Acme.Web", "1.2.0", sha256, ZIP.length, "zip", 1000L, "tester"));
    assertThat(packages.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256))
        .hasBinaryContent(ZIP);
    assertThat(store.list()).containsExactly(pushed.view());
    assertThat(store.chunk(sha256, 4))
        .hasValueSatisfying(b -> assertThat(b).hasSize(ZIP.length - 4));
    assertThat(incoming()).isEmpty();
  }

  @Test
  void pushingTheSameBytesAgainIsHarmlessAndOtherBytesAreAConflict() throws Exception {
    PackageStore store = store(1024, PackageUsage.NONE);
    PackageView first = push(store, "Acme.Web", "1.2.0", ZIP).view();

    PackageStore.Pushed again = push(store, "Acme.Web", "1.2.0", ZIP);
    assertThat(again.created()).isFalse();
    assertThat(again.view()).isEqualTo(first);

    assertThatThrownBy(() -> push(store, "Acme.Web", "1.2.0", OTHER_ZIP))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT))
        .hasMessageContaining("already stored with other content")
        .hasMessageContaining("push it as a new version");
    assertThat(store.list()).containsExactly(first);
    assertThat(incoming()).isEmpty();
  }

  @Test
  void namesThatCouldReachOutsideTheStoreAreRefused() {
    for (String id : List.of("../etc", "a/b", "..", "a..b", "/abs", "a\\b", "")) {
      assertThatThrownBy(() -> PackageCoordinates.of(id, "1.0.0"))
          .as(id)
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST))
          .hasMessageContaining("package id");
    }
    for (String version : List.of("../1", "1.0/..", "latest", "1.0.0-../x")) {
      assertThatThrownBy(() -> PackageCoordinates.of("Acme", version))
          .as(version)
          .isInstanceOf(ApiException.class)
          .hasMessageContaining("package version: '" + version + "'");
    }
    assertThatThrownBy(() -> PackageCoordinates.fromFileName("../../etc/passwd.1.0.zip"))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("package id: '../../etc/passwd'");
  }

  @Test
  void fileNamesGiveIdAndVersion() {
    assertThat(PackageCoordinates.fromFileName("Acme.Web.1.2.0.zip"))
        .isEqualTo(new PackageCoordinates("Acme.Web", "1.2.0"));
    assertThat(PackageCoordinates.fromFileName("Acme.Api.2.0.0-beta.1.tar.gz"))
        .isEqualTo(new PackageCoordinates("Acme.Api", "2.0.0-beta.1"));
    assertThat(PackageCoordinates.fromFileName("Api.3.1.tgz"))
        .isEqualTo(new PackageCoordinates("Api", "3.1"));
    assertThatThrownBy(() -> PackageCoordinates.fromFileName("notes.txt"))
        .hasMessageContaining("does not say the package's id and version");
  }

  @Test
  void anUploadOverTheLimitIsRefusedAndNothingIsStored() throws Exception {
    PackageStore store = store(ZIP.length - 1, PackageUsage.NONE);

    assertThatThrownBy(() -> push(store, "Acme.Web", "1.2.0", ZIP))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.status()).isEqualTo(HttpStatus.REQUEST_ENTITY_TOO_LARGE))
        .hasMessageContaining("larger than this server accepts")
        .hasMessageContaining("nothing was stored");

    assertThat(store.list()).isEmpty();
    assertThat(incoming()).isEmpty();
    assertThat(packages.resolve("sha256")).doesNotExist();
  }

  @Test
  void somethingThatIsNeitherZipNorTarGzIsRefused() throws Exception {
    PackageStore store = store(1024, PackageUsage.NONE);

    assertThatThrownBy(() -> push(store, "Acme.Web", "1.2.0", "just text".getBytes()))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("neither a zip nor a tar.gz");
    assertThat(store.list()).isEmpty();
    assertThat(incoming()).isEmpty();
  }

  @Test
  void deleteKeepsBytesAnotherVersionSharesAndIsRefusedWhileSomethingUsesThePackage()
      throws Exception {
    PackageStore store =
        store(1024, c -> c.version().equals("1.0.0") ? List.of("release 7 of Acme") : List.of());
    PackageView used = push(store, "Acme.Web", "1.0.0", ZIP).view();
    PackageView twin = push(store, "Acme.Web", "1.0.1", ZIP).view();
    Path blob =
        packages.resolve("sha256").resolve(used.sha256().substring(0, 2)).resolve(used.sha256());

    assertThatThrownBy(() -> store.delete(PackageCoordinates.of("Acme.Web", "1.0.0")))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT))
        .hasMessageContaining("still used by release 7 of Acme");

    assertThat(store.delete(PackageCoordinates.of("Acme.Web", "1.0.1"))).isEqualTo(twin);
    assertThat(blob).as("1.0.0 still has these bytes").exists();
    assertThat(store.list()).containsExactly(used);
    assertThatThrownBy(() -> store.delete(PackageCoordinates.of("Acme.Web", "1.0.1")))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND));
  }

  @Test
  void deletingTheLastVersionWithSomeBytesRemovesThem() throws Exception {
    PackageStore store = store(1024, PackageUsage.NONE);
    PackageView view = push(store, "Acme.Web", "1.0.0", ZIP).view();

    store.delete(PackageCoordinates.of("Acme.Web", "1.0.0"));

    assertThat(store.list()).isEmpty();
    assertThat(store.chunk(view.sha256(), 0)).isEmpty();
  }

  @Test
  void anUploadAbandonedByACrashIsRemovedAtStartButOneUnderWayIsLeft() throws Exception {
    Path incoming = packages.resolve("incoming");
    Files.createDirectories(incoming);
    Path abandoned = Files.writeString(incoming.resolve("upload-1.part"), "cut short");
    Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    Path underWay = Files.writeString(incoming.resolve("upload-2.part"), "arriving");

    store(1024, PackageUsage.NONE);

    assertThat(abandoned).doesNotExist();
    assertThat(underWay).exists();
  }

  private List<Path> incoming() throws IOException {
    try (Stream<Path> files = Files.list(packages.resolve("incoming"))) {
      return files.toList();
    }
  }

  /** Bytes that start like a zip file, which is all the store looks at. */
  private static byte[] zipLike(String content) {
    byte[] text = content.getBytes();
    byte[] bytes = new byte[4 + text.length];
    bytes[0] = 'P';
    bytes[1] = 'K';
    bytes[2] = 3;
    bytes[3] = 4;
    System.arraycopy(text, 0, bytes, 4, text.length);
    return bytes;
  }
}
