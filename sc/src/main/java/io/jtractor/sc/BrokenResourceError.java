package io.jtractor.sc;

/**
 * The other side of a resource has gone away: for a memory channel, every receive end is closed,
 * so what is sent could never be received. Prior art: trio's {@code BrokenResourceError}.
 */
public class BrokenResourceError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BrokenResourceError(String message) {
    super(message);
  }
}
