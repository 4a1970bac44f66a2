package io.cuttle.server.packages;

import io.cuttle.server.web.ApiException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A package's id and version, checked so that neither can name a path, a URL part or anything but a
 * package: ids such as {@code Acme.Web}, versions such as {@code 1.2.0} or {@code 2.0.0-beta.1}.
 */
public record PackageCoordinates(String id, String version) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern VERSION =
      Pattern.compile("[0-9]+(\\.[0-9]+){0,3}(-[0-9A-Za-z][0-9A-Za-z.-]{0,30})?");
  private static final Pattern FILE_NAME =
      Pattern.compile(
          "(?<id>.+?)\\.(?<version>[0-9]+(\\.[0-9]+){0,3}(-[0-9A-Za-z][0-9A-Za-z.-]*)?)"
              + "\\.(zip|tar\\.gz|tgz)");

  /** Checked coordinates, or a 400 naming the field that is wrong and what it should look like. */
  public static PackageCoordinates of(String id, String version) {
    if (id == null || id.isBlank()) {
      throw ApiException.badRequest("package id is required");
    }
    if (!ID.matcher(id).matches() || id.contains("..")) {
      throw ApiException.badRequest(
          "package id: '"
              + id
              + "' (expected: 1 to 100 letters, digits, '.', '_' or '-', starting with a letter"
              + " or digit, without '..', such as Acme.Web)");
    }
    if (version == null || version.isBlank()) {
      throw ApiException.badRequest("package version is required");
    }
    if (!VERSION.matcher(version).matches()) {
      throw ApiException.badRequest(
          "package version: '"
              + version
              + "' (expected: 1 to 4 numbers separated by dots with an optional -label, such as"
              + " 1.2.0 or 2.0.0-beta.1)");
    }
    return new PackageCoordinates(id, version);
  }

  /** Reads {@code Acme.Web.1.2.0.zip} as id {@code Acme.Web}, version {@code 1.2.0}. */
  public static PackageCoordinates fromFileName(String fileName) {
    Matcher m = FILE_NAME.matcher(fileName == null ? "" : fileName);
    if (!m.matches()) {
      throw ApiException.badRequest(
          "file name: '"
              + fileName
              + "' does not say the package's id and version (expected: <id>.<version>.zip or"
              + " .tar.gz, such as Acme.Web.1.2.0.zip); give id and version instead");
    }
    return of(m.group("id"), m.group("version"));
  }

  @Override
  public String toString() {
    return id + " " + version;
  }
}
