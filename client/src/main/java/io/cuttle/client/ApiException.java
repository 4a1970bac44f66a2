package io.cuttle.client;

/**
 * The server refused a request, or could not be reached. The message is meant for the person at the
 * terminal: it says what went wrong in the server's words or ours.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public ApiException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status, or 0 when no answer came. */
  public int status() {
    return status;
  }
}
