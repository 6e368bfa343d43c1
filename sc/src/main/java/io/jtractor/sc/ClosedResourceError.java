package io.jtractor.sc;

/**
 * This end of a resource was closed by our own side and then used (or closed while a task was
 * blocked on it). A programming error at the call site. Prior art: trio's {@code
 * ClosedResourceError}.
 */
public class ClosedResourceError extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public ClosedResourceError(String message) {
    super(message);
  }
}
