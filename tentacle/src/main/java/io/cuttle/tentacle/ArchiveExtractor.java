package io.cuttle.tentacle;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks a zip or tar.gz into a folder, refusing anything that would land outside it: entries
 * named {@code ../x} or {@code /x}, and symbolic links pointing out. It also stops archives built
 * to exhaust the disk (zip bombs): entry count and bytes written are bounded, counted as written,
 * not as the archive claims. Refused archives fail with a message naming the entry; whatever was
 * written before stays inside the folder.
 *
 * <p>Zip entries are all extracted as plain files and folders (a link stored in a zip becomes a
 * file holding its target's name); tar keeps links that stay inside and the owner's execute bit.
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

  private final Limits limits;

  ArchiveExtractor(Limits limits) {
    this.limits = limits;
  }

  void extractZip(Path archive, Path target) throws IOException, Refused {
    Files.createDirectories(target);
    Budget budget = new Budget(target.toRealPath());
    try (ZipInputStream zip =
        new ZipInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        budget.countEntry();
        Path destination = budget.inside(entry.getName());
        if (destination.equals(budget.root)) {
          continue; // "./": the folder itself, there already
        }
        if (entry.isDirectory()) {
          budget.createParents(destination);
          Files.createDirectories(destination);
        } else {
          writeFile(zip, destination, budget, false);
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new Refused("the package is not a readable zip file: " + e.getMessage());
    }
  }

  void extractTarGz(Path archive, Path target) throws IOException, Refused {
    Files.createDirectories(target);
    Budget budget = new Budget(target.toRealPath());
    try (InputStream in =
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      TarReader tar = new TarReader(in);
      for (TarReader.Entry entry; (entry = tar.next()) != null; ) {
        budget.countEntry();
        Path destination = budget.inside(entry.name());
        if (destination.equals(budget.root) && entry.type() == TarReader.Type.DIRECTORY) {
          continue; // "./", as tar -C dir . writes it: the folder itself, there already
        }
        switch (entry.type()) {
          case DIRECTORY -> {
            budget.createParents(destination);
            Files.createDirectories(destination);
          }
          case FILE -> writeFile(tar.content(), destination, budget, entry.executable());
          case SYMLINK -> link(budget, entry, destination);
          default ->
              throw new Refused(
                  "entry '"
                      + entry.name()
                      + "' is a "
                      + entry.type().description
                      + ", which a package may not contain");
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new Refused("the package is not a readable tar.gz file: " + e.getMessage());
    } catch (TarReader.Malformed e) {
      throw new Refused("the package is not a readable tar.gz file: " + e.getMessage());
    }
  }

  private static void link(Budget budget, TarReader.Entry entry, Path destination)
      throws IOException, Refused {
    Path target = Path.of(entry.linkTarget());
    if (target.isAbsolute()) {
      throw linkOutside(entry);
    }
    budget.createParents(destination);
    if (!budget.staysInside(destination.getParent().toRealPath(), target)) {
      throw linkOutside(entry);
    }
    Files.deleteIfExists(destination);
    Files.createSymbolicLink(destination, target);
  }

  private static Refused linkOutside(TarReader.Entry entry) {
    return new Refused(
        "entry '"
            + entry.name()
            + "' is a symbolic link to '"
            + entry.linkTarget()
            + "', outside the folder the package is extracted to");
  }

  private static void writeFile(InputStream in, Path destination, Budget budget, boolean executable)
      throws IOException, Refused {
    budget.createParents(destination);
    if (Files.isSymbolicLink(destination)) {
      Files.delete(destination); // replace the link itself, never write through it
    }
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(destination)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
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

  /** What one extraction has used of its limits, and the folder it must stay inside. */
  private final class Budget {
    final Path root;
    int entries;
    long bytes;

    Budget(Path root) {
      this.root = root;
    }

    void countEntry() throws Refused {
      if (++entries > limits.maxEntries()) {
        throw new Refused(
            "the package has more than "
                + limits.maxEntries()
                + " entries; refusing to extract it (a zip bomb, or a package to split)");
      }
    }

    void countBytes(int n, Path file) throws Refused {
      bytes += n;
      if (bytes > limits.maxTotalBytes()) {
        throw new Refused(
            "the package unpacks to more than "
                + limits.maxTotalBytes()
                + " bytes (reached while writing "
                + root.relativize(file)
                + "); refusing to extract the rest (a zip bomb?)");
      }
    }

    /** Where the entry goes, or a refusal when its name leads outside the folder. */
    Path inside(String name) throws Refused {
      String normalized = name.replace('\\', '/');
      if (normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*") || name.isEmpty()) {
        throw new Refused(
            "entry '" + name + "' has an absolute path; a package may only hold relative paths");
      }
      Path destination = root.resolve(normalized).normalize();
      if (!destination.startsWith(root) || destination.equals(root) && !isDot(normalized)) {
        throw new Refused(
            "entry '" + name + "' would be written outside the folder the package is extracted to");
      }
      return destination;
    }

    private static boolean isDot(String name) {
      return name.equals(".") || name.equals("./");
    }

    /**
     * Whether {@code relative}, followed from {@code folder} the way the file system follows it
     * (through links extracted earlier, with {@code ..} taken after them, not as text), stays
     * inside the folder at every step. A link that does not lead anywhere yet counts as leaving:
     * where it would lead cannot be checked.
     */
    boolean staysInside(Path folder, Path relative) throws IOException {
      Path at = folder;
      for (Path step : relative) {
        String name = step.toString();
        if (name.equals("..")) {
          at = at.getParent();
        } else if (!name.equals(".")) {
          at = at.resolve(name);
        }
        if (at == null || !at.startsWith(root)) {
          return false;
        }
        if (Files.isSymbolicLink(at)) {
          if (!Files.exists(at)) {
            return false;
          }
          at = at.toRealPath();
          if (!at.startsWith(root)) {
            return false;
          }
        }
      }
      return true;
    }

    /**
     * Creates the entry's parent folders and checks where they really are, so that a link extracted
     * earlier cannot carry a later entry outside.
     */
    void createParents(Path destination) throws IOException, Refused {
      Path parent = destination.getParent();
      Files.createDirectories(parent);
      if (!parent.toRealPath().startsWith(root)) {
        throw new Refused(
            "entry '"
                + root.relativize(destination)
                + "' would be written through a link to outside the folder the package is"
                + " extracted to");
      }
    }
  }
}
