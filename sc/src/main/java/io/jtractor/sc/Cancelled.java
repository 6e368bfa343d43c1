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

  /**
   * The message, made when first asked for (or before serialization): a cancellation is usually
   * absorbed by its scope unread, and naming the scope costs more than raising it. Racy by
   * design: any thread that makes it makes the same string.
   */
  private String message;

  Cancelled(CancelScope scope) {
    super(null, null, false, false);
    this.scope = scope;
  }

  /** "cancelled by" the scope, named now if not yet. */
  private String named() {
    String m = message;
    if (m == null && scope != null) message = m = "cancelled by " + scope;
    return m;
  }

  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    named(); // the scope is not serialized: its name is
    out.defaultWriteObject();
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
        ? named()
        : named() + "; the nursery's body was cancelled because a child failed: " + r;
  }

  @Override
  public synchronized Throwable getCause() {
    return replacement;
  }
}
