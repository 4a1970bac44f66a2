package io.cuttle.server.web;

import com.linecorp.armeria.common.HttpStatus;

/** A request the API refuses, with words that say what was wrong and what to do instead. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final HttpStatus status;

  public ApiException(HttpStatus status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(HttpStatus.BAD_REQUEST, detail);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(HttpStatus.NOT_FOUND, detail);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(HttpStatus.CONFLICT, detail);
  }

  public HttpStatus status() {
    return status;
  }
}
