package io.cuttle.tentacle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveExtractorTest {
  private static final ArchiveExtractor EXTRACTOR =
      new ArchiveExtractor(ArchiveExtractor.DEFAULT_LIMITS);

  @TempDir Path dir;

  private Path target() {
    return dir.resolve("work").resolve("C-1").resolve("package");
  }

  @Test
  void aZipIsExtractedWithItsFolders() throws Exception {
    Path zip = zip(List.of("deploy.sh", "web/index.html", "web/"), "content");

    EXTRACTOR.extractZip(zip, target());

    assertThat(target().resolve("deploy.sh")).hasContent("content deploy.sh");
    assertThat(target().resolve("web/index.html")).hasContent("content web/index.html");
  }

  @Test
  void aTarGzIsExtractedWithExecuteBitsAndLinksThatStayInside() throws Exception {
    Path tarGz =
        tarGz(
            List.of(
                TarEntry.folder("./"),
                TarEntry.file("./deploy.sh", "echo deploy", 0644),
                TarEntry.folder("bin/"),
                TarEntry.file("bin/run.sh", "echo run", 0755),
                TarEntry.file("a-very-long-folder-name/".repeat(5) + "deep.txt", "deep", 0644),
                TarEntry.symlink("current", "bin")));

    EXTRACTOR.extractTarGz(tarGz, target());

    assertThat(target().resolve("deploy.sh")).hasContent("echo deploy");
    assertThat(target().resolve("bin/run.sh")).hasContent("echo run").isExecutable();
    assertThat(target().resolve("a-very-long-folder-name/".repeat(5) + "deep.txt"))
        .hasContent("deep");
    assertThat(Files.readSymbolicLink(target().resolve("current"))).isEqualTo(Path.of("bin"));
  }

  @Test
  void aTarGzMadeByTheTarProgramIsExtracted() throws Exception {
    Path source = dir.resolve("source");
    String deep = "folder-with-a-long-name/".repeat(6) + "file.txt";
    Files.createDirectories(source.resolve(deep).getParent());
    Files.writeString(source.resolve(deep), "deep");
    Files.writeString(source.resolve("deploy.sh"), "echo deploy");
    Files.createSymbolicLink(source.resolve("current"), Path.of("folder-with-a-long-name"));
    Path tarGz = dir.resolve("made-by-tar.tar.gz");
    Process tar =
        new ProcessBuilder("tar", "czf", tarGz.toString(), "-C", source.toString(), ".")
            .redirectErrorStream(true)
            .start();
    assertThat(tar.waitFor()).as(new String(tar.getInputStream().readAllBytes())).isZero();

    EXTRACTOR.extractTarGz(tarGz, target());

    assertThat(target().resolve(deep)).hasContent("deep");
    assertThat(target().resolve("deploy.sh")).hasContent("echo deploy");
    assertThat(Files.readSymbolicLink(target().resolve("current")))
        .isEqualTo(Path.of("folder-with-a-long-name"));
  }

  @Test
  void zipEntriesLeadingOutsideAreRefusedAndNothingIsWrittenThere() throws Exception {
    for (String name : List.of("../escaped.txt", "web/../../escaped.txt", "/tmp/escaped.txt")) {
      Path zip = zip(List.of("fine.txt", name), "bad");
      Path target = dir.resolve("zip-" + Math.abs(name.hashCode())).resolve("package");

      assertThatThrownBy(() -> EXTRACTOR.extractZip(zip, target))
          .as(name)
          .isInstanceOf(ArchiveExtractor.Refused.class)
          .hasMessageContaining("entry '" + name + "'");
      assertThat(target.getParent().resolve("escaped.txt")).doesNotExist();
    }
    assertThat(Path.of("/tmp/escaped.txt")).doesNotExist();
  }

  @Test
  void tarEntriesAndLinksLeadingOutsideAreRefusedAndNothingIsWrittenThere() throws Exception {
    List<List<TarEntry>> attacks =
        List.of(
            List.of(TarEntry.file("../escaped.txt", "bad", 0644)),
            List.of(TarEntry.file("/tmp/escaped.txt", "bad", 0644)),
            List.of(TarEntry.symlink("out", "../..")),
            List.of(TarEntry.symlink("out", "/etc")),
            List.of(TarEntry.symlink("sub/out", "../../escaped-dir")),
            List.of(TarEntry.hardLink("passwd", "/etc/passwd")));
    int i = 0;
    for (List<TarEntry> attack : attacks) {
      Path tarGz = tarGz(attack);
      Path target = dir.resolve("tar-" + i++).resolve("package");

      assertThatThrownBy(() -> EXTRACTOR.extractTarGz(tarGz, target))
          .as(attack.get(0).name())
          .isInstanceOf(ArchiveExtractor.Refused.class)
          .hasMessageContaining("entry '" + attack.get(0).name() + "'");
      assertThat(everything(target.getParent())).allMatch(p -> p.startsWith(target));
    }
    assertThat(Path.of("/tmp/escaped.txt")).doesNotExist();
  }

  @Test
  void linksLeadingOutsideThroughALinkExtractedEarlierAreRefused() throws Exception {
    // Each second link looks inside when its path is read as text, but "here" is the folder
    // itself, so following it as the file system does leads one level above the folder.
    List<List<TarEntry>> attacks =
        List.of(
            List.of(TarEntry.symlink("here", "."), TarEntry.symlink("here/up", "..")),
            List.of(TarEntry.symlink("here", "."), TarEntry.symlink("out", "here/../escaped")));
    int i = 0;
    for (List<TarEntry> attack : attacks) {
      Path target = dir.resolve("chain-" + i++).resolve("package");
      TarEntry escape = attack.get(1);

      assertThatThrownBy(() -> EXTRACTOR.extractTarGz(tarGz(attack), target))
          .as(escape.name())
          .isInstanceOf(ArchiveExtractor.Refused.class)
          .hasMessageContaining("entry '" + escape.name() + "'");
      assertThat(target.resolve(escape.name())).as(escape.name()).doesNotExist();
      assertThat(Files.isSymbolicLink(target.resolve(escape.name()))).isFalse();
    }
  }

  @Test
  void zipEntriesWithWindowsSeparatorsOrDrivesCannotLeaveEither() throws Exception {
    for (String name : List.of("..\\escaped.txt", "web\\..\\..\\escaped.txt", "C:\\escaped.txt")) {
      Path zip = zip(List.of("fine.txt", name), "bad");
      Path target = dir.resolve("win-" + Math.abs(name.hashCode())).resolve("package");

      assertThatThrownBy(() -> EXTRACTOR.extractZip(zip, target))
          .as(name)
          .isInstanceOf(ArchiveExtractor.Refused.class)
          .hasMessageContaining("entry '" + name + "'");
      assertThat(everything(target.getParent())).allMatch(p -> p.startsWith(target));
    }
  }

  @Test
  void tooManyEntriesOrTooManyBytesAreRefused() throws Exception {
    ArchiveExtractor small = new ArchiveExtractor(new ArchiveExtractor.Limits(3, 1000));

    Path many = zip(List.of("1", "2", "3", "4"), "x");
    assertThatThrownBy(() -> small.extractZip(many, target()))
        .isInstanceOf(ArchiveExtractor.Refused.class)
        .hasMessageContaining("more than 3 entries");

    Path bomb = tarGz(List.of(TarEntry.file("zeros", "0".repeat(100_000), 0644)));
    assertThatThrownBy(() -> small.extractTarGz(bomb, dir.resolve("bomb")))
        .isInstanceOf(ArchiveExtractor.Refused.class)
        .hasMessageContaining("unpacks to more than 1000 bytes");
    assertThat(Files.size(dir.resolve("bomb/zeros"))).isLessThanOrEqualTo(1000 + 64 * 1024);
  }

  @Test
  void somethingThatIsNotAnArchiveIsRefusedInWords() throws Exception {
    Path text = Files.writeString(dir.resolve("text.tar.gz"), "not gzip at all");

    assertThatThrownBy(() -> EXTRACTOR.extractTarGz(text, target()))
        .isInstanceOf(ArchiveExtractor.Refused.class)
        .hasMessageContaining("not a readable tar.gz file");
  }

  private static List<Path> everything(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(folder)) {
      return all.filter(p -> !p.equals(folder)).toList();
    }
  }

  private Path zip(List<String> names, String content) throws IOException {
    Path file = Files.createTempFile(dir, "package", ".zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (String name : names) {
        zip.putNextEntry(new ZipEntry(name));
        if (!name.endsWith("/")) {
          zip.write((content + " " + name).getBytes(StandardCharsets.UTF_8));
        }
        zip.closeEntry();
      }
    }
    return file;
  }

  /** One entry of a tar archive as the tests craft them, bad ones included. */
  record TarEntry(String name, char type, String content, String link, int mode) {
    static TarEntry file(String name, String content, int mode) {
      return new TarEntry(name, '0', content, "", mode);
    }

    static TarEntry folder(String name) {
      return new TarEntry(name, '5', "", "", 0755);
    }

    static TarEntry symlink(String name, String target) {
      return new TarEntry(name, '2', "", target, 0777);
    }

    static TarEntry hardLink(String name, String target) {
      return new TarEntry(name, '1', "", target, 0644);
    }
  }

  private Path tarGz(List<TarEntry> entries) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    for (TarEntry entry : entries) {
      byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
      if (name.length > 100) {
        byte[] longName = java.util.Arrays.copyOf(name, name.length + 1);
        writeEntry(tar, "././@LongLink", 'L', longName, "", 0644);
      }
      writeEntry(
          tar,
          entry.name().length() > 100 ? entry.name().substring(0, 100) : entry.name(),
          entry.type(),
          entry.content().getBytes(StandardCharsets.UTF_8),
          entry.link(),
          entry.mode());
    }
    tar.write(new byte[1024]);
    Path file = Files.createTempFile(dir, "package", ".tar.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(tar.toByteArray());
    }
    return file;
  }

  private static void writeEntry(
      ByteArrayOutputStream tar, String name, char type, byte[] content, String link, int mode)
      throws IOException {
    byte[] header = new byte[512];
    put(header, 0, name.getBytes(StandardCharsets.UTF_8), 100);
    put(header, 100, octal(mode, 8), 8);
    put(header, 108, octal(0, 8), 8);
    put(header, 116, octal(0, 8), 8);
    put(header, 124, octal(content.length, 12), 12);
    put(header, 136, octal(0, 12), 12);
    header[156] = (byte) type;
    put(header, 157, link.getBytes(StandardCharsets.UTF_8), 100);
    put(header, 257, "ustar\u000000".getBytes(StandardCharsets.US_ASCII), 8);
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(
        header,
        148,
        (String.format("%06o", sum) + "\u0000 ").getBytes(StandardCharsets.US_ASCII),
        8);
    tar.write(header);
    tar.write(content);
    tar.write(new byte[(512 - content.length % 512) % 512]);
  }

  private static byte[] octal(long value, int width) {
    return (String.format("%0" + (width - 1) + "o", value) + "\u0000")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static void put(byte[] header, int offset, byte[] value, int max) {
    System.arraycopy(value, 0, header, offset, Math.min(value.length, max));
  }
}
