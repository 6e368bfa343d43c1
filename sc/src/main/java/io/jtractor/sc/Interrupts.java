package io.jtractor.sc;

import java.io.InterruptedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedByInterruptException;

/** Recognises what foreign blocking code throws when its thread is interrupted. */
final class Interrupts {
  private Interrupts() {}

  /**
   * True if {@code t}, or something in its cause chain, is what an interrupted blocking call
   * throws: {@link InterruptedException}, {@link ClosedByInterruptException} or {@link
   * InterruptedIOException}, or a {@link SocketException} while the calling thread's interrupt
   * flag is set (an interrupted virtual thread's socket read or accept closes the socket and throws
   * a plain {@code SocketException("Closed by interrupt")}). Wrappers are common ({@code throw new
   * RuntimeException(e)}), hence the chain.
   */
  static boolean isInterruptLike(Throwable t) {
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof ClosedByInterruptException
          || t instanceof InterruptedIOException
          || (t instanceof SocketException && Thread.currentThread().isInterrupted())) {
        return true;
      }
    }
    return false;
  }

  /** The {@link Cancelled} that {@code t} is or wraps (user code may wrap one), or null. */
  static Cancelled findCancelled(Throwable t) {
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof Cancelled c) return c;
    }
    return null;
  }

  /** Unchecked rethrow, so that a task's checked exception is raised as itself. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }
}
