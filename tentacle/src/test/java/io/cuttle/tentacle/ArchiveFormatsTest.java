package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar and zip variants real tools write, beyond the plain ustar and zip that {@link
 * ArchiveExtractorTest} covers with its traversal attacks: pax long names and link targets, a pax
 * size record, GNU and pax sparse files, unix modes in zips, and zips with data descriptors (stored
 * entries included). The containment and size rules must hold for them too.
 */
class ArchiveFormatsTest {
  private static final ArchiveExtractor EXTRACTOR =
      new ArchiveExtractor(ArchiveExtractor.DEFAULT_LIMITS);
  private static final String DEEP = "a-folder-with-a-rather-long-name/".repeat(8);

  @TempDir Path dir;

  private Path target() {
    return dir.resolve("work").resolve("C-1").resolve("package");
  }

  @Test
  void paxLongNamesAndLongLinkTargetsAreKeptWhole() throws Exception {
    String longLink = "./" + DEEP.substring(0, DEEP.length() - 1); // over 100 characters
    byte[] tar =
        tar(
            file(DEEP + "deploy.sh", "echo deep", 0755),
            file("sch\u00f6n-" + "\u00e9".repeat(120) + ".txt", "accents", 0644),
            symlink("deep-folder", longLink),
            symlink("deep-script", DEEP + "deploy.sh"));
    assertThat(new String(tar, StandardCharsets.UTF_8))
        .as("written as pax records, not GNU long-name entries")
        .contains("path=" + DEEP + "deploy.sh")
        .contains("linkpath=" + longLink)
        .doesNotContain("././@LongLink");

    EXTRACTOR.extractTarGz(gzip(tar), target());

    assertThat(target().resolve(DEEP + "deploy.sh")).hasContent("echo deep").isExecutable();
    assertThat(target().resolve("sch\u00f6n-" + "\u00e9".repeat(120) + ".txt"))
        .hasContent("accents");
    assertThat(Files.readSymbolicLink(target().resolve("deep-folder")))
        .isEqualTo(Path.of(longLink));
    assertThat(target().resolve("deep-folder/deploy.sh")).hasContent("echo deep");
    assertThat(target().resolve("deep-script")).hasContent("echo deep");
  }

  @Test
  void paxLongNamesAndLinkTargetsLeadingOutsideAreRefused() throws Exception {
    // Past 100 characters, where a reader that ignores the pax record would cut them.
    String outsideName = "folder/" + "x/../".repeat(30) + "../../escaped.txt";
    String outsideTarget = "folder/" + "x/../".repeat(30) + "../../../etc";
    List<byte[]> attacks =
        List.of(
            tar(file(outsideName, "bad", 0644)),
            tar(symlink("out", outsideTarget)),
            tar(symlink("out", "/" + "etc/".repeat(40))));
    List<String> names = List.of(outsideName, "out", "out");
    for (int i = 0; i < attacks.size(); i++) {
      Path target = dir.resolve("pax-" + i).resolve("package");
      byte[] attack = attacks.get(i);

      assertThatThrownBy(() -> EXTRACTOR.extractTarGz(gzip(attack), target))
          .isInstanceOf(ArchiveExtractor.Refused.class)
          .hasMessageContaining("entry '" + names.get(i) + "'");
      assertThat(dir.resolve("pax-" + i).resolve("escaped.txt")).doesNotExist();
      assertThat(target.resolve("out")).doesNotExist();
    }
  }

  @Test
  void aPaxSizeRecordDecidesWhereTheContentEnds() throws Exception {
    // What a writer does for a file over 8 GiB: the ustar size field cannot hold it, so it is
    // written as 0 and the pax record says the real size. Here with a small file.
    byte[] content = "the real content, longer than the ustar field says".getBytes();
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    byte[] records = paxRecord("size", Integer.toString(content.length));
    TarArchiveEntry pax =
        new TarArchiveEntry("./PaxHeaders/big.bin", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
    pax.setSize(records.length);
    writeRaw(tar, pax, records);
    TarArchiveEntry big = new TarArchiveEntry("big.bin");
    big.setSize(0);
    writeRaw(tar, big, content);
    TarArchiveEntry after = new TarArchiveEntry("after.txt");
    byte[] afterContent = "still in step".getBytes();
    after.setSize(afterContent.length);
    writeRaw(tar, after, afterContent);
    tar.write(new byte[1024]);

    EXTRACTOR.extractTarGz(gzip(tar.toByteArray()), target());

    assertThat(target().resolve("big.bin")).hasBinaryContent(content);
    assertThat(target().resolve("after.txt")).hasContent("still in step");
  }

  @Test
  void gnuAndPaxSparseFilesAreExtractedWithTheirHolesAsZeros() throws Exception {
    Path source = dir.resolve("source");
    Files.createDirectories(source);
    Path sparse = sparseFile(source.resolve("disk.img"));
    Files.writeString(source.resolve("deploy.sh"), "echo after the sparse file");

    for (List<String> format :
        List.of(
            List.of("--format=gnu"),
            List.of("--format=posix", "--sparse-version=0.1"),
            List.of("--format=posix", "--sparse-version=1.0"))) {
      Path tarGz = dir.resolve("sparse-" + String.join("", format).replace("-", "") + ".tar.gz");
      List<String> command = new ArrayList<>(List.of("tar", "--sparse"));
      command.addAll(format);
      command.addAll(List.of("-czf", tarGz.toString(), "-C", source.toString(), "."));
      run(command);
      assertThat(sparseEntries(tarGz)).as("tar %s wrote a sparse entry", format).isEqualTo(1);
      Path target = dir.resolve("out-" + tarGz.getFileName()).resolve("package");

      EXTRACTOR.extractTarGz(tarGz, target);

      assertThat(Files.size(target.resolve("disk.img"))).as("%s", format).isEqualTo(3L << 20);
      assertThat(Files.mismatch(sparse, target.resolve("disk.img"))).as("%s", format).isEqualTo(-1);
      assertThat(target.resolve("deploy.sh")).hasContent("echo after the sparse file");
    }
  }

  @Test
  void aSparseFilesHolesCountAgainstTheByteLimit() throws Exception {
    Path source = dir.resolve("source");
    Files.createDirectories(source);
    sparseFile(source.resolve("disk.img"));
    Path tarGz = dir.resolve("sparse.tar.gz");
    run(List.of("tar", "--sparse", "-czf", tarGz.toString(), "-C", source.toString(), "."));
    assertThat(Files.size(tarGz)).isLessThan(64 * 1024);
    ArchiveExtractor small = new ArchiveExtractor(new ArchiveExtractor.Limits(100, 1 << 20));

    assertThatThrownBy(() -> small.extractTarGz(tarGz, target()))
        .isInstanceOf(ArchiveExtractor.Refused.class)
        .hasMessageContaining("unpacks to more than " + (1 << 20) + " bytes");
  }

  @Test
  void aLongNameClaimingMegabytesIsRefusedBeforeItIsHeldInMemory() throws Exception {
    for (byte type :
        new byte[] {TarConstants.LF_GNUTYPE_LONGNAME, TarConstants.LF_GNUTYPE_LONGLINK}) {
      int size = 4 << 20;
      TarArchiveEntry longName = new TarArchiveEntry("././@LongLink", type);
      longName.setSize(size);
      byte[] header = new byte[512];
      longName.writeEntryHeader(header);
      Path tarGz = dir.resolve("long-" + (char) type + ".tar.gz");
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tarGz))) {
        out.write(header);
        byte[] letters = "a".repeat(64 * 1024).getBytes();
        for (int written = 0; written < size; written += letters.length) {
          out.write(letters);
        }
        out.write(new byte[1024]);
      }

      assertThatThrownBy(() -> EXTRACTOR.extractTarGz(tarGz, target()))
          .isInstanceOf(ArchiveExtractor.Refused.class)
          .hasMessageContaining("bytes of tar headers");
    }
  }

  @Test
  void zipUnixModesGiveTheOwnersExecuteBit() throws Exception {
    Path zip = dir.resolve("modes.zip");
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
      putZipFile(out, "deploy.sh", "echo deploy", 0100755);
      putZipFile(out, "bin/tool", "tool", 0100700);
      putZipFile(out, "readme.txt", "read me", 0100644);
    }

    EXTRACTOR.extractZip(zip, target());

    assertThat(target().resolve("deploy.sh")).hasContent("echo deploy").isExecutable();
    assertThat(target().resolve("bin/tool")).hasContent("tool").isExecutable();
    assertThat(target().resolve("readme.txt")).hasContent("read me");
    assertThat(Files.isExecutable(target().resolve("readme.txt"))).isFalse();
  }

  @Test
  void aZipStreamedWithDataDescriptorsIsExtracted() throws Exception {
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    // Not a file: the writer cannot go back to fill in sizes, so it writes data descriptors.
    try (ZipArchiveOutputStream out =
        new ZipArchiveOutputStream(new FilterOutputStream(streamed) {})) {
      putZipFile(out, "deploy.sh", "echo streamed", 0100755);
      putZipFile(out, "web/index.html", "<p>streamed</p>".repeat(100), 0100644);
    }
    byte[] bytes = streamed.toByteArray();
    assertThat(bytes[6] & 0x08).as("the first entry announces a data descriptor").isNotZero();
    Path zip = Files.write(dir.resolve("streamed.zip"), bytes);

    EXTRACTOR.extractZip(zip, target());

    assertThat(target().resolve("deploy.sh")).hasContent("echo streamed").isExecutable();
    assertThat(target().resolve("web/index.html")).hasContent("<p>streamed</p>".repeat(100));
  }

  @Test
  void storedZipEntriesWithDataDescriptorsAreExtracted() throws Exception {
    // Info-ZIP writing to a pipe stores (-0) with data descriptors, which java.util.zip's
    // ZipInputStream refuses ("only DEFLATED entries can have EXT descriptor").
    Path source = dir.resolve("source");
    Files.createDirectories(source.resolve("bin"));
    Files.writeString(source.resolve("deploy.sh"), "echo stored");
    Files.writeString(source.resolve("bin/data.txt"), "stored data");
    Files.setPosixFilePermissions(
        source.resolve("deploy.sh"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Process zip =
        new ProcessBuilder("zip", "-0", "-q", "-r", "-", "deploy.sh", "bin")
            .directory(source.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] bytes;
    try (InputStream pipe = zip.getInputStream()) {
      bytes = pipe.readAllBytes();
    }
    assertThat(zip.waitFor()).isZero();
    assertThat(bytes[8]).as("stored").isZero();
    assertThat(bytes[6] & 0x08).as("with a data descriptor").isNotZero();
    Path archive = Files.write(dir.resolve("stored.zip"), bytes);

    EXTRACTOR.extractZip(archive, target());

    assertThat(target().resolve("deploy.sh")).hasContent("echo stored").isExecutable();
    assertThat(target().resolve("bin/data.txt")).hasContent("stored data");
  }

  @Test
  void theCentralDirectoryIsCountedAsZipFileReadsIt() throws Exception {
    Path plain = dir.resolve("plain.zip");
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(plain)) {
      for (int i = 0; i < 50; i++) {
        putZipFile(out, "file-" + i, "x", 0100644);
      }
      out.setComment("a comment that moves the end record away from the end of the file");
    }
    Path zip64 = dir.resolve("zip64.zip");
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip64)) {
      out.setUseZip64(Zip64Mode.Always);
      for (int i = 0; i < 30; i++) {
        putZipFile(out, "file-" + i, "x", 0100644);
      }
    }

    for (Path zip : List.of(plain, zip64)) {
      try (ZipFile read = ZipFile.builder().setPath(zip).get()) {
        long entries = Collections.list(read.getEntries()).size();
        assertThat(ZipDirectoryCount.count(zip, 1000)).as("%s", zip).isEqualTo(entries);
        assertThat(ZipDirectoryCount.count(zip, 10)).as("%s", zip).isEqualTo(11);
      }
    }
    ArchiveExtractor small = new ArchiveExtractor(new ArchiveExtractor.Limits(20, 1 << 20));
    assertThatThrownBy(() -> small.extractZip(zip64, target()))
        .isInstanceOf(ArchiveExtractor.Refused.class)
        .hasMessageContaining("more than 20 entries");
    assertThat(target()).isEmptyDirectory();
  }

  private static Path sparseFile(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.write("head".getBytes());
      raf.seek(1 << 20);
      raf.write("middle".getBytes());
      raf.seek((3L << 20) - 4);
      raf.write("tail".getBytes());
    }
    return file;
  }

  private static int sparseEntries(Path tarGz) throws IOException {
    int sparse = 0;
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tarGz)))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isSparse()) {
          sparse++;
        }
      }
    }
    return sparse;
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }

  private static void putZipFile(ZipArchiveOutputStream out, String name, String content, int mode)
      throws IOException {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setUnixMode(mode);
    out.putArchiveEntry(entry);
    out.write(content.getBytes(StandardCharsets.UTF_8));
    out.closeArchiveEntry();
  }

  /** One entry of a test tar and its content (none for a link). */
  private record TarItem(TarArchiveEntry entry, byte[] content) {}

  private static TarItem file(String name, String content, int mode) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(mode);
    entry.setSize(bytes.length);
    return new TarItem(entry, bytes);
  }

  private static TarItem symlink(String name, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    entry.setLinkName(target);
    return new TarItem(entry, new byte[0]);
  }

  /** A tar as commons-compress writes it in POSIX mode: pax records for what ustar cannot hold. */
  private static byte[] tar(TarItem... items) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, "UTF-8")) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (TarItem item : items) {
        out.putArchiveEntry(item.entry());
        out.write(item.content());
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private Path gzip(byte[] tar) throws IOException {
    Path file = Files.createTempFile(dir, "package", ".tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(tar);
    }
    return file;
  }

  private static byte[] paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int length = body.length();
    while (Integer.toString(length).length() + body.length() != length) {
      length = Integer.toString(length).length() + body.length();
    }
    return (length + body).getBytes(StandardCharsets.UTF_8);
  }

  private static void writeRaw(ByteArrayOutputStream tar, TarArchiveEntry entry, byte[] content)
      throws IOException {
    byte[] header = new byte[512];
    entry.writeEntryHeader(header);
    tar.write(header);
    tar.write(content);
    tar.write(new byte[(512 - content.length % 512) % 512]);
  }
}
