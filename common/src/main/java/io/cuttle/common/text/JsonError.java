package io.cuttle.common.text;

/**
 * One reason a JSON document could not be read, in the words of the person who wrote it: where (the
 * JSON path such as {@code steps[0].roles}, and the line and column) and what was found instead of
 * what was expected. Made by {@link JsonErrorText}; never holds a Java class name.
 *
 * @param path the field the problem is in, e.g. {@code steps[0].roles}; empty for the document
 * @param syntax true when the text is not JSON at all (a trailing comma, a missing quote)
 * @param problem what is wrong at {@code path}, e.g. "found a string, expected a list of strings"
 * @param ofDocument the same said of the whole document, following "the file" or "the body", e.g.
 *     "must be a JSON object, not a list"
 * @param line 1-based, or 0 when unknown
 * @param column 1-based, or 0 when unknown
 */
public record JsonError(
    String path, boolean syntax, String problem, String ofDocument, int line, int column) {

  /** For a REST answer: the field path, and the line and column only where JSON syntax failed. */
  public String inBody() {
    if (syntax) {
      return "the body is not valid JSON" + location() + in() + ": " + problem;
    }
    return path.isEmpty() ? "the body " + ofDocument : path + ": " + problem;
  }

  /** For a file a person edits: {@code shop.json:3:14: steps[0].roles: found ...}. */
  public String inFile(String file) {
    String where = file + (line > 0 ? ":" + line + ":" + Math.max(1, column) : "") + ": ";
    if (syntax) {
      return where + "not valid JSON" + in() + ": " + problem;
    }
    return where + (path.isEmpty() ? "the file " + ofDocument : path + ": " + problem);
  }

  /** The same problem at a better known place, e.g. where the field starts in the file. */
  public JsonError at(int line, int column) {
    return new JsonError(path, syntax, problem, ofDocument, line, column);
  }

  private String location() {
    return line > 0 ? " at line " + line + ", column " + Math.max(1, column) : "";
  }

  private String in() {
    return path.isEmpty() ? "" : " (in " + path + ")";
  }
}
