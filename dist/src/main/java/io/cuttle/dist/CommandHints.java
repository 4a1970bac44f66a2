package io.cuttle.dist;

import io.cuttle.client.ApiClient;
import io.cuttle.common.text.DidYouMean;
import io.cuttle.wire.api.EnvironmentView;
import io.cuttle.wire.api.PackageView;
import io.cuttle.wire.api.ProjectView;
import io.cuttle.wire.api.ReleaseView;
import io.cuttle.wire.api.TentacleView;
import io.cuttle.wire.api.UserView;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's "not found" answers in the command line's words: the REST API names the REST call
 * that lists what exists ({@code GET /api/environments}), and the command line names the command
 * ({@code cuttle environment list}) and the nearest existing names, so a typo is one glance from
 * its fix. Nothing is guessed: a name far from every existing one gets no suggestion.
 */
final class CommandHints {
  private final Supplier<ApiClient> connect;

  CommandHints(Supplier<ApiClient> connect) {
    this.connect = connect;
  }

  private record Hint(
      Pattern pattern, Function<Matcher, String> command, Lister names, int wantedGroup) {}

  @FunctionalInterface
  private interface Lister {
    Collection<String> names(ApiClient api, Matcher found);
  }

  private static final List<Hint> HINTS =
      List.of(
          new Hint(
              Pattern.compile("no environment '([^']*)'; list them with GET /api/environments"),
              m -> "cuttle environment list",
              (api, m) -> api.environments().stream().map(EnvironmentView::name).toList(),
              1),
          new Hint(
              Pattern.compile("no project '([^']*)'; list them with GET /api/projects"),
              m -> "cuttle project list",
              (api, m) -> api.projects().stream().map(ProjectView::name).toList(),
              1),
          new Hint(
              Pattern.compile(
                  "project '([^']*)' has no release '([^']*)'; list them with GET"
                      + " /api/projects/[^ ]*/releases"),
              m -> "cuttle release list --project " + m.group(1),
              (api, m) -> api.releases(m.group(1)).stream().map(ReleaseView::version).toList(),
              2),
          new Hint(
              Pattern.compile(
                  "project '([^']*)' has no variable with id '([^']*)'; list them with GET"
                      + " /api/projects/[^ ]*/variables"),
              m -> "cuttle project variable list " + m.group(1),
              (api, m) -> List.of(),
              2),
          new Hint(
              Pattern.compile("no tentacle named '([^']*)'"),
              m -> "cuttle fleet list",
              (api, m) -> api.tentacles().stream().map(TentacleView::name).toList(),
              1),
          new Hint(
              Pattern.compile("no registered tentacle matches environment '([^']*)'.*"),
              m -> "cuttle fleet list",
              (api, m) ->
                  api.tentacles().stream().map(TentacleView::environment).distinct().toList(),
              1),
          new Hint(
              Pattern.compile("no registered tentacle matches .*with a role in \\[([^\\],]*)\\].*"),
              m -> "cuttle fleet list",
              (api, m) -> roles(api),
              1),
          new Hint(
              Pattern.compile("no registered tentacle matches .*named one of \\[([^\\],]*)\\].*"),
              m -> "cuttle fleet list",
              (api, m) -> api.tentacles().stream().map(TentacleView::name).toList(),
              1),
          new Hint(
              Pattern.compile("no registered tentacle matches .*"),
              m -> "cuttle fleet list",
              (api, m) -> List.of(),
              0),
          new Hint(
              Pattern.compile(
                  "has no targets: no tentacle in environment '[^']*' has a role in"
                      + " \\[([^\\],]*)\\]; register one \\(GET /api/tentacles lists them\\)"),
              m -> "cuttle fleet list",
              (api, m) -> roles(api),
              1),
          new Hint(
              Pattern.compile("no user named '([^']*)'"),
              m -> "cuttle user list",
              (api, m) -> api.users().stream().map(UserView::name).toList(),
              1),
          new Hint(
              Pattern.compile("no package ([^ ]*) [^ ]* is stored"),
              m -> "cuttle package list",
              (api, m) -> api.packages().stream().map(PackageView::id).distinct().toList(),
              1));

  private static final Pattern REST_POINTER =
      Pattern.compile(
          "(; list them with GET /api/[^ ]*|; register one \\(GET /api/tentacles lists them\\))$");

  /** {@code message} with the command to type and the nearest names, or as it was. */
  String rewrite(String message) {
    if (message == null) {
      return null;
    }
    String command = null;
    for (Hint hint : HINTS) {
      Matcher found = hint.pattern().matcher(message);
      if (!found.find()) {
        continue;
      }
      command = command != null ? command : hint.command().apply(found);
      String wanted = found.group(hint.wantedGroup());
      List<String> known = known(hint, found);
      // A name that exists is not the mistake (a filter may name several things): try the next.
      if (known.stream().noneMatch(wanted::equalsIgnoreCase)) {
        return inCommandWords(message, DidYouMean.phrase(wanted, known), command);
      }
    }
    return command == null ? message : inCommandWords(message, "", command);
  }

  private static String inCommandWords(String message, String guess, String command) {
    return REST_POINTER.matcher(message).replaceFirst("")
        + (guess.isEmpty() ? "" : "; " + guess)
        + " (list them with '"
        + command
        + "')";
  }

  private List<String> known(Hint hint, Matcher found) {
    try (ApiClient api = connect.get()) {
      return List.copyOf(hint.names().names(api, found));
    } catch (RuntimeException e) {
      return List.of(); // The names are a courtesy: the error itself must still be shown.
    }
  }

  private static List<String> roles(ApiClient api) {
    return api.tentacles().stream().flatMap(t -> t.roles().stream()).distinct().toList();
  }
}
