package io.jtractor.errors;

/**
 * The connection to a peer ended while a call, or a context, was waiting for its answer: such a
 * call fails promptly with this (in tractor it waits until cancelled; see docs/design.md, "Deviations").
 */
public class ConnectionLost extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConnectionLost(String message) {
    super(message);
  }

  public ConnectionLost(String message, Throwable cause) {
    super(message, cause);
  }
}
