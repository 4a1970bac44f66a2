package io.cuttle.server.tasks;

import io.cuttle.server.web.ApiException;
import io.cuttle.wire.polling.v1.RunScript;
import java.util.Locale;

/** The script languages people may name, bash when they name none. */
public final class ScriptSyntax {
  private ScriptSyntax() {}

  public static RunScript.Syntax parse(String value) {
    return parse("syntax", value);
  }

  /**
   * @param field where the value was given, e.g. {@code steps[1].syntax}, named by the refusal
   */
  public static RunScript.Syntax parse(String field, String value) {
    if (value == null || value.isBlank()) {
      return RunScript.Syntax.BASH;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "bash" -> RunScript.Syntax.BASH;
      case "sh" -> RunScript.Syntax.SH;
      case "python", "python3" -> RunScript.Syntax.PYTHON;
      case "powershell", "pwsh" -> RunScript.Syntax.POWERSHELL;
      default ->
          throw ApiException.badRequest(
              field + ": '" + value + "' (expected: bash, sh, python or powershell)");
    };
  }
}
