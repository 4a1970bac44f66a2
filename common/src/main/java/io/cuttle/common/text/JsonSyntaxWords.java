package io.cuttle.common.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson's words for text that is not JSON ("Unexpected character (']' (code 93)): expected a
 * valid value ...") as "found ']', expected a value", with a hint for the usual slips.
 */
final class JsonSyntaxWords {
  private static final Pattern UNEXPECTED_CHARACTER =
      Pattern.compile(
          "Unexpected character \\('(.+?)' \\(code \\d+\\)\\)[^:]*: (.*)", Pattern.DOTALL);
  private static final Pattern UNRECOGNIZED_TOKEN =
      Pattern.compile("Unrecognized token '(.*?)': .*", Pattern.DOTALL);
  private static final Pattern CLOSE_MARKER =
      Pattern.compile(
          "Unexpected end-of-input: expected close marker for (\\w+).*?line: (\\d+), column: (\\d+).*",
          Pattern.DOTALL);
  private static final Pattern CONTROL_CHARACTER =
      Pattern.compile(
          "Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*", Pattern.DOTALL);
  private static final Pattern ESCAPE =
      Pattern.compile("Unrecognized character escape '(.+?)'.*", Pattern.DOTALL);
  private static final Pattern CLOSE_MISMATCH =
      Pattern.compile(
          "Unexpected close marker '(.)': expected '(.)'.*?line: (\\d+), column: (\\d+).*",
          Pattern.DOTALL);
  private static final String A_VALUE =
      "a value (a string in double quotes, a number, true, false, null, a list or an object)";

  private JsonSyntaxWords() {}

  static String describe(String message) {
    if (message == null) {
      return "found text that is not JSON";
    }
    Matcher m = UNEXPECTED_CHARACTER.matcher(message);
    if (m.matches()) {
      return unexpected(m.group(1), m.group(2));
    }
    if ((m = UNRECOGNIZED_TOKEN.matcher(message)).matches()) {
      return "found '"
          + LogSafe.of(m.group(1))
          + "', expected "
          + A_VALUE
          + "; strings need double quotes";
    }
    if ((m = CLOSE_MARKER.matcher(message)).matches()) {
      boolean object = m.group(1).equalsIgnoreCase("object");
      return "found the end of the text, expected "
          + (object ? "'}' to close the object" : "']' to close the list")
          + " that starts at line "
          + m.group(2)
          + ", column "
          + m.group(3);
    }
    if ((m = CLOSE_MISMATCH.matcher(message)).matches()) {
      boolean object = m.group(2).equals("}");
      return "found '"
          + m.group(1)
          + "', expected '"
          + m.group(2)
          + "' to close the "
          + (object ? "object" : "list")
          + " that starts at line "
          + m.group(3)
          + ", column "
          + m.group(4);
    }
    if (message.startsWith("Unexpected end-of-input")) {
      return "found the end of the text, expected the rest of the JSON value";
    }
    if ((m = CONTROL_CHARACTER.matcher(message)).matches()) {
      return "found a control character (code "
          + m.group(1)
          + ") inside a string, expected it escaped with a backslash (\\n for a line break,"
          + " \\t for a tab)";
    }
    if ((m = ESCAPE.matcher(message)).matches()) {
      return "found the escape \\"
          + LogSafe.of(m.group(1))
          + " inside a string, expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX";
    }
    if (message.startsWith("Invalid numeric value: Leading zeroes")) {
      return "found a number with a leading zero, expected a number without one";
    }
    return JsonErrorText.withoutInternals(message);
  }

  private static String unexpected(String found, String jacksonExpected) {
    String expected;
    String hint = "";
    if (jacksonExpected.startsWith("expected a valid value")
        || jacksonExpected.startsWith("expected a value")) {
      expected = A_VALUE;
      if (found.equals("]") || found.equals("}")) {
        hint = " (JSON allows no comma before a closing '" + found + "')";
      }
    } else if (jacksonExpected.contains("double-quote to start field name")) {
      expected = "a field name in double quotes";
      if (found.equals("}")) {
        hint = " (JSON allows no comma before a closing '}')";
      }
    } else if (jacksonExpected.contains("comma to separate Object entries")) {
      expected = "',' or '}'";
    } else if (jacksonExpected.contains("comma to separate Array entries")) {
      expected = "',' or ']'";
    } else if (jacksonExpected.contains("colon to separate field name and value")) {
      expected = "':' after the field name";
    } else if (jacksonExpected.contains("digit")) {
      expected = "a digit";
    } else {
      expected =
          JsonErrorText.withoutInternals(jacksonExpected.replaceFirst("^was expecting ", ""));
    }
    if (found.equals("'")) {
      return "found a single quote, expected "
          + expected
          + " (JSON quotes with double quotes only)";
    }
    return "found '" + LogSafe.of(found) + "', expected " + expected + hint;
  }
}
