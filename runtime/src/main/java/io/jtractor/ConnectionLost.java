package io.jtractor;

/**
 * The connection to a peer ended while a call, or a context, was waiting for its answer. Better
 * than the reference commit, where such a call waited until cancelled: it fails promptly with
 * this.
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
