package io.jtractor.runtime;

/** Rethrows any throwable unchecked, so a remote or child failure is raised as itself. */
public final class Sneaky {
  private Sneaky() {}

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException doRaise(Throwable t) throws E {
    throw (E) t;
  }

  /** Throws {@code t}; declared to return so callers can write {@code throw Sneaky.raise(t)}. */
  public static RuntimeException raise(Throwable t) {
    return Sneaky.<RuntimeException>doRaise(t);
  }
}
