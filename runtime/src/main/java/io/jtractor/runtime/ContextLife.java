package io.jtractor.runtime;

import io.jtractor.errors.RemoteActorError;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One side of a context's lifecycle, in one field: the set of {@link Fact}s entered so far. A
 * fact, once entered, stays; each is entered at most once, by compare-and-set ({@link #enter}),
 * so exactly one thread wins each transition (e.g. the one {@code started}, the one extra credit
 * grant).
 *
 * <p>Threads: any; {@link #life} is volatile and changed only by compare-and-set.
 */
final class ContextLife {
  /** The one-way steps of a side's life; any subset may hold at once (e.g. returned, then lost). */
  enum Fact {
    /** {@code started} was called (callee side). */
    STARTED,
    /** A stream was opened on this side. */
    STREAM_OPENED,
    /** The credit beyond the default buffer was granted to the peer (credit flow only). */
    EXTRA_CREDIT_GRANTED,
    /** This side asked for the cancellation (caller: {@code cancel()}; callee: cancelled itself). */
    CANCEL_CALLED,
    /** The callee's {@code return} arrived (its value was recorded first). */
    RETURNED,
    /** The connection ended. */
    CONNECTION_LOST;

    final int bit = 1 << ordinal();
  }

  private static final VarHandle LIFE;

  static {
    try {
      LIFE = MethodHandles.lookup().findVarHandle(ContextLife.class, "life", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The facts entered so far, one bit each. */
  private volatile int life;

  /** Enters {@code f}; true if this call entered it, false if it held already. */
  boolean enter(Fact f) {
    while (true) {
      int now = life;
      if ((now & f.bit) != 0) return false;
      if (LIFE.compareAndSet(this, now, now | f.bit)) return true;
    }
  }

  boolean is(Fact f) {
    return (life & f.bit) != 0;
  }

  /** How the side ended, in a word or {@code error}'s type, for the flight recorder. */
  String outcome(RemoteActorError error) {
    if (is(Fact.RETURNED)) return "returned";
    if (error != null) return error.typeName();
    if (is(Fact.CONNECTION_LOST)) return "connection lost";
    if (is(Fact.CANCEL_CALLED)) return "cancelled";
    return "closed";
  }
}
