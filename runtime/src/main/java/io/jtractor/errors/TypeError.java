package io.jtractor.errors;

/**
 * A remote call's arguments do not fit the function (a missing, unexpected or mistyped keyword
 * argument). Named after Python's {@code TypeError}, which is what tractor peers send and expect
 * for the same mistake.
 */
public class TypeError extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public TypeError(String message) {
    super(message);
  }

  public TypeError(String message, Throwable cause) {
    super(message, cause);
  }
}
