package io.cuttle.tentacle;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Unpacks a zip or tar.gz into a folder, refusing anything that would land outside it: entries
 * named {@code ../x} or {@code /x}, and symbolic links pointing out. It also stops archives built
 * to exhaust the disk (zip bombs): entry count and bytes written are bounded, counted as written,
 * not as the archive claims. Refused archives fail with a message naming the entry; whatever was
 * written before stays inside the folder.
 *
 * <p>commons-compress reads the formats (pax and GNU tar with long names and link targets and
 * sparse files; zip with data descriptors and unix modes); {@link ExtractionBudget} holds the
 * rules. Both formats keep the owner's execute bit. Zip entries are extracted as plain files and
 * folders (a link stored in a zip becomes a file holding its target's name); tar keeps links that
 * stay inside.
 */
final class ArchiveExtractor {
  static final Limits DEFAULT_LIMITS = new Limits(100_000, 20L * 1024 * 1024 * 1024);

  /** The most entries and the most bytes in total one archive may unpack to. */
  record Limits(int maxEntries, long maxTotalBytes) {}

  /** The archive cannot be unpacked safely, or is not a readable archive at all. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private static final String ZIP = "zip";
  private static final String TAR_GZ = "tar.gz";

  private final Limits limits;

  ArchiveExtractor(Limits limits) {
    this.limits = limits;
  }

  void extractZip(Path archive, Path target) throws IOException, Refused {
    Files.createDirectories(target);
    ExtractionBudget budget = new ExtractionBudget(target.toRealPath(), limits);
    if (ZipDirectoryCount.count(archive, limits.maxEntries()) > limits.maxEntries()) {
      throw ExtractionBudget.tooManyEntries(limits.maxEntries());
    }
    try (ZipFile zip = openZip(archive)) {
      for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
        budget.countEntry();
        Path destination = budget.inside(zipName(entry));
        if (destination.equals(budget.root)) {
          continue; // "./": the folder itself, there already
        }
        if (entry.isDirectory()) {
          budget.createParents(destination);
          Files.createDirectories(destination);
        } else {
          writeZipEntry(zip, entry, destination, budget);
        }
      }
    }
  }

  /**
   * The entry's name as stored: commons-compress turns the backslashes of a zip made on Windows
   * into slashes, and a refusal should name the entry as the package's author wrote it.
   */
  private static String zipName(ZipArchiveEntry entry) {
    byte[] raw = entry.getRawName();
    if (raw != null) {
      String stored = new String(raw, StandardCharsets.UTF_8);
      if (stored.replace('\\', '/').equals(entry.getName())) {
        return stored;
      }
    }
    return entry.getName();
  }

  private static ZipFile openZip(Path archive) throws Refused {
    try {
      return ZipFile.builder().setPath(archive).get();
    } catch (IOException e) {
      throw unreadable(ZIP, e);
    }
  }

  private static void writeZipEntry(
      ZipFile zip, ZipArchiveEntry entry, Path destination, ExtractionBudget budget)
      throws IOException, Refused {
    if (!zip.canReadEntryData(entry)) {
      throw new Refused(
          "entry '"
              + zipName(entry)
              + "' is encrypted or compressed with a method this tentacle cannot read (zip method "
              + entry.getMethod()
              + "); repack it with deflate");
    }
    CRC32 crc = new CRC32();
    try (InputStream in = new CheckedInputStream(zipContent(zip, entry), crc)) {
      int mode = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() : 0;
      writeFile(in, destination, budget, isOwnerExecutable(mode) && !entry.isUnixSymlink(), ZIP);
    }
    if (entry.getCrc() != -1 && entry.getCrc() != crc.getValue()) {
      throw new Refused(
          "entry '" + zipName(entry) + "' is damaged: its content does not match its CRC-32");
    }
  }

  private static InputStream zipContent(ZipFile zip, ZipArchiveEntry entry) throws Refused {
    try {
      return zip.getInputStream(entry);
    } catch (IOException e) {
      throw unreadable(ZIP, e);
    }
  }

  void extractTarGz(Path archive, Path target) throws IOException, Refused {
    Files.createDirectories(target);
    ExtractionBudget budget = new ExtractionBudget(target.toRealPath(), limits);
    try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
        TarHeaderLimit headers = new TarHeaderLimit(gunzip(file));
        TarArchiveInputStream tar = new TarArchiveInputStream(headers)) {
      for (TarArchiveEntry entry; (entry = nextEntry(tar, headers)) != null; ) {
        budget.countEntry();
        Path destination = budget.inside(entry.getName());
        if (destination.equals(budget.root) && entry.isDirectory()) {
          continue; // "./", as tar -C dir . writes it: the folder itself, there already
        }
        if (entry.isDirectory()) {
          budget.createParents(destination);
          Files.createDirectories(destination);
        } else if (entry.isSymbolicLink()) {
          link(budget, entry, destination);
        } else if (isRegularFile(entry)) {
          writeFile(tar, destination, budget, isOwnerExecutable(entry.getMode()), TAR_GZ);
        } else {
          throw new Refused(
              "entry '"
                  + entry.getName()
                  + "' is a "
                  + (entry.isLink() ? "hard link" : "device, pipe or other special file")
                  + ", which a package may not contain");
        }
      }
    }
  }

  private static InputStream gunzip(InputStream file) throws Refused {
    try {
      return new GZIPInputStream(file);
    } catch (IOException e) {
      throw unreadable(TAR_GZ, e);
    }
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, TarHeaderLimit headers)
      throws Refused {
    headers.start();
    try {
      return tar.getNextEntry();
    } catch (IOException | RuntimeException e) {
      if (headers.exceeded()) {
        throw new Refused(
            "the package has more than "
                + TarHeaderLimit.MAX_BYTES
                + " bytes of tar headers (long names, link targets, pax records, a sparse map)"
                + " or of data a link or folder does not use before one entry; refusing it");
      }
      throw unreadable(TAR_GZ, e);
    } finally {
      headers.stop();
    }
  }

  /** Plain, contiguous and sparse files: everything whose content is a file's bytes. */
  private static boolean isRegularFile(TarArchiveEntry entry) {
    byte flag = entry.getLinkFlag();
    return flag == TarConstants.LF_NORMAL
        || flag == TarConstants.LF_OLDNORM
        || flag == TarConstants.LF_CONTIG
        || flag == TarConstants.LF_GNUTYPE_SPARSE;
  }

  private static boolean isOwnerExecutable(int mode) {
    return (mode & 0100) != 0;
  }

  private static void link(ExtractionBudget budget, TarArchiveEntry entry, Path destination)
      throws IOException, Refused {
    Path target;
    try {
      target = Path.of(entry.getLinkName());
    } catch (java.nio.file.InvalidPathException e) {
      throw linkOutside(entry);
    }
    if (target.isAbsolute() || entry.getLinkName().isEmpty()) {
      throw linkOutside(entry);
    }
    budget.createParents(destination);
    if (!budget.staysInside(destination.getParent().toRealPath(), target)) {
      throw linkOutside(entry);
    }
    Files.deleteIfExists(destination);
    Files.createSymbolicLink(destination, target);
  }

  private static Refused linkOutside(TarArchiveEntry entry) {
    return new Refused(
        "entry '"
            + entry.getName()
            + "' is a symbolic link to '"
            + entry.getLinkName()
            + "', outside the folder the package is extracted to");
  }

  private static Refused unreadable(String format, Exception e) {
    return new Refused("the package is not a readable " + format + " file: " + e.getMessage());
  }

  /**
   * Copies an entry's content, counting it against the budget as it is written. A failure to read
   * is the archive's fault and refuses it; a failure to write is this machine's and stays an
   * IOException.
   */
  private static void writeFile(
      InputStream in, Path destination, ExtractionBudget budget, boolean executable, String format)
      throws IOException, Refused {
    budget.createParents(destination);
    if (Files.isSymbolicLink(destination)) {
      Files.delete(destination); // replace the link itself, never write through it
    }
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(destination)) {
      for (int n; (n = read(in, buffer, format)) >= 0; ) {
        budget.countBytes(n, destination);
        out.write(buffer, 0, n);
      }
    }
    if (executable) {
      try {
        Set<PosixFilePermission> permissions =
            EnumSet.copyOf(Files.getPosixFilePermissions(destination, LinkOption.NOFOLLOW_LINKS));
        permissions.add(PosixFilePermission.OWNER_EXECUTE);
        Files.setPosixFilePermissions(destination, permissions);
      } catch (UnsupportedOperationException e) {
        // No POSIX permissions here (Windows): scripts are run through their interpreter anyway.
      }
    }
  }

  private static int read(InputStream in, byte[] buffer, String format) throws Refused {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw unreadable(format, e);
    }
  }
}
