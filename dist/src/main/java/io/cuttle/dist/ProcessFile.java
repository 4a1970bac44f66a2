package io.cuttle.dist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cuttle.client.ApiException;
import io.cuttle.common.text.JsonError;
import io.cuttle.common.text.JsonErrorText;
import io.cuttle.common.text.JsonSourceLocations;
import io.cuttle.wire.api.ProjectRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A project's definition file. Every error about it, whether found here (not JSON, a field of the
 * wrong kind, a misspelt field) or by the server (an unknown syntax, a missing script), names the
 * file, the line and column, and the field: {@code shop.json:3:14: steps[0].roles: ...}.
 */
final class ProcessFile {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The field a server refusal starts with: {@code steps[1].syntax: 'zsh' (expected: ...)}. */
  private static final Pattern LEADING_FIELD =
      Pattern.compile("^([A-Za-z_]\\w*(?:\\[\\d+\\])*(?:\\.[A-Za-z_]\\w*(?:\\[\\d+\\])*)*)[:\\s]");

  private final Path file;
  private final String text;

  private ProcessFile(Path file, String text) {
    this.file = file;
    this.text = text;
  }

  static ProcessFile read(Path file) throws IOException {
    try {
      return new ProcessFile(file, Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--file: " + file + " does not exist");
    }
  }

  ProjectRequest request() {
    ProjectRequest request;
    try {
      request = JSON.readValue(text, ProjectRequest.class);
    } catch (JsonProcessingException e) {
      JsonError explained = JsonErrorText.explain(e);
      JsonError error = explained;
      if (!error.syntax() && !error.path().isEmpty()) {
        // Jackson notices a wrong field after reading its whole object; point at the field.
        error =
            JsonSourceLocations.of(text, error.path())
                .map(where -> explained.at(where.line(), where.column()))
                .orElse(explained);
      }
      throw new IllegalArgumentException(error.inFile(file.toString()));
    }
    if (request == null) {
      throw new IllegalArgumentException(file + ":1:1: the file must be a JSON object, not null");
    }
    return request;
  }

  /** The server's refusal of this file's content, pointed at the place in the file it names. */
  ApiException located(ApiException refused) {
    if (refused.status() != 400 || refused.getMessage() == null) {
      return refused;
    }
    Matcher field = LEADING_FIELD.matcher(refused.getMessage());
    String where =
        field.find()
            ? JsonSourceLocations.of(text, field.group(1))
                .map(at -> ":" + at.line() + ":" + at.column())
                .orElse("")
            : "";
    return new ApiException(400, file + where + ": " + refused.getMessage());
  }
}
