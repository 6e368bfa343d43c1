package io.jtractor.sc;

/**
 * Raised by {@link Sc#failAfter} and {@link Sc#failAt} when the deadline expires before the body
 * finished. Prior art: trio's {@code TooSlowError}.
 */
public final class TooSlowError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TooSlowError(String message) {
    super(message);
  }
}
