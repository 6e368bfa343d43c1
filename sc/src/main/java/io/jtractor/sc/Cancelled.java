package io.jtractor.sc;

/**
 * Raised at a checkpoint inside a cancelled {@link CancelScope}; unwinds to that scope, which
 * absorbs it.
 *
 * <p>Prior art: trio's {@code Cancelled}. Like trio, user code should let it propagate (cleanup in
 * {@code finally} is fine). It extends {@link Error} rather than {@link Exception} so that a {@code
 * catch (Exception e)} in user code cannot swallow a cancellation: the package documentation says
 * why. Catching it and carrying on is harmless only in the sense that cancellation is
 * level-triggered: the next checkpoint inside the cancelled scope raises it again.
 *
 * <p>Instances are created only by this package. Like trio's, it is control flow, so it is made
 * cheap: it records no stack trace (cancelling many tasks stays fast), and suppression is disabled
 * (a try-with-resources {@link Nursery} hands its failure over through {@link #replacement()}
 * instead).
 */
public final class Cancelled extends Error {
  private static final long serialVersionUID = 1L;

  /** The scope this cancellation unwinds to; null once it has been serialized. */
  private final transient CancelScope scope;

  /**
   * A failure that replaces this cancellation when it leaves a try-with-resources {@link Nursery}:
   * written by the thread that closes the nursery, read by the boundary that catches it.
   */
  private transient volatile Throwable replacement;

  Cancelled(CancelScope scope) {
    super("cancelled by " + scope, null, false, false);
    this.scope = scope;
  }

  /** The scope whose cancellation this is. */
  public CancelScope scope() {
    return scope;
  }

  void replaceWith(Throwable failure) {
    this.replacement = failure;
  }

  /**
   * The failure that caused a try-with-resources nursery's body to be cancelled, if this
   * cancellation escaped such a nursery; otherwise null.
   */
  public Throwable replacement() {
    return replacement;
  }

  @Override
  public String getMessage() {
    Throwable r = replacement;
    return r == null
        ? super.getMessage()
        : super.getMessage() + "; the nursery's body was cancelled because a child failed: " + r;
  }

  @Override
  public synchronized Throwable getCause() {
    return replacement;
  }
}
