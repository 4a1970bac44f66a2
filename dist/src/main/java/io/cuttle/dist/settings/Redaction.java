package io.cuttle.dist.settings;

import java.util.regex.Pattern;

/**
 * What {@code --print-config} and error sentences never show: the value of an option named for a
 * secret, and the password in a database URL ({@code user:password@} or {@code password=}).
 */
final class Redaction {
  static final String REDACTED = "(redacted)";

  // Options that name where a secret is (a file, a variable) are not secrets themselves.
  private static final Pattern SECRET_OPTION =
      Pattern.compile("^--.*(password|secret|token|api-key)(?!-file|-env).*$");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]*:)[^/@]*@");
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("((?i:password)=)[^&;]*");

  private Redaction() {}

  static boolean isSecret(String option) {
    return SECRET_OPTION.matcher(option).matches();
  }

  static String inUrl(String value) {
    String withoutUserInfo = USER_INFO.matcher(value).replaceAll("$1" + REDACTED + "@");
    return PASSWORD_PARAMETER.matcher(withoutUserInfo).replaceAll("$1" + REDACTED);
  }
}
