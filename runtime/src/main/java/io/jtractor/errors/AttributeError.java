package io.jtractor.errors;

/**
 * A remote call named a function that the exposed namespace does not have. Named after Python's
 * {@code AttributeError}, which is what tractor peers send and expect for the same mistake.
 */
public class AttributeError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AttributeError(String message) {
    super(message);
  }
}
