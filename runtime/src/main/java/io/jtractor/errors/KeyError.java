package io.jtractor.errors;

/**
 * A lookup by key found nothing (e.g. unregistering an actor the registrar does not know). Named
 * after Python's {@code KeyError}, which is what tractor peers send and expect for the same case.
 */
public class KeyError extends java.util.NoSuchElementException {
  private static final long serialVersionUID = 1L;

  /** An error whose message names the missing key. */
  public KeyError(String message) {
    super(message);
  }
}
