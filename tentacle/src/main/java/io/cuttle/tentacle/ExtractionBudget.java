package io.cuttle.tentacle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The project's own rules for one extraction, applied on top of whatever reads the archive: every
 * entry stays inside the folder (by name, and through links extracted earlier), and the entry count
 * and bytes written stay within the limits, counted as written, not as the archive claims.
 */
final class ExtractionBudget {
  final Path root;
  private final ArchiveExtractor.Limits limits;
  private int entries;
  private long bytes;

  ExtractionBudget(Path root, ArchiveExtractor.Limits limits) {
    this.root = root;
    this.limits = limits;
  }

  void countEntry() throws ArchiveExtractor.Refused {
    if (++entries > limits.maxEntries()) {
      throw tooManyEntries(limits.maxEntries());
    }
  }

  static ArchiveExtractor.Refused tooManyEntries(int maxEntries) {
    return new ArchiveExtractor.Refused(
        "the package has more than "
            + maxEntries
            + " entries; refusing to extract it (a zip bomb, or a package to split)");
  }

  void countBytes(int n, Path file) throws ArchiveExtractor.Refused {
    bytes += n;
    if (bytes > limits.maxTotalBytes()) {
      throw new ArchiveExtractor.Refused(
          "the package unpacks to more than "
              + limits.maxTotalBytes()
              + " bytes (reached while writing "
              + root.relativize(file)
              + "); refusing to extract the rest (a zip bomb?)");
    }
  }

  /** Where the entry goes, or a refusal when its name leads outside the folder. */
  Path inside(String name) throws ArchiveExtractor.Refused {
    String normalized = name.replace('\\', '/');
    if (normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*") || name.isEmpty()) {
      throw new ArchiveExtractor.Refused(
          "entry '" + name + "' has an absolute path; a package may only hold relative paths");
    }
    Path destination;
    try {
      destination = root.resolve(normalized).normalize();
    } catch (InvalidPathException e) {
      throw new ArchiveExtractor.Refused(
          "entry '" + name + "' has a name this system cannot use: " + e.getReason());
    }
    if (!destination.startsWith(root) || destination.equals(root) && !isDot(normalized)) {
      throw new ArchiveExtractor.Refused(
          "entry '" + name + "' would be written outside the folder the package is extracted to");
    }
    return destination;
  }

  private static boolean isDot(String name) {
    return name.equals(".") || name.equals("./");
  }

  /**
   * Whether {@code relative}, followed from {@code folder} the way the file system follows it
   * (through links extracted earlier, with {@code ..} taken after them, not as text), stays inside
   * the folder at every step. A link that does not lead anywhere yet counts as leaving: where it
   * would lead cannot be checked.
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
  void createParents(Path destination) throws IOException, ArchiveExtractor.Refused {
    Path parent = destination.getParent();
    Files.createDirectories(parent);
    if (!parent.toRealPath().startsWith(root)) {
      throw new ArchiveExtractor.Refused(
          "entry '"
              + root.relativize(destination)
              + "' would be written through a link to outside the folder the package is"
              + " extracted to");
    }
  }
}
