package io.jtractor.runtime;

import io.jtractor.sc.Event;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A value delivered once, by any thread, to tasks that wait for it (a checkpoint). The first
 * {@link #set} or {@link #fail} wins; later ones are ignored and say so.
 *
 * @param <T> the value's type
 */
final class OneShot<T> {
  private record Outcome<T>(T value, Throwable failure) {}

  private final AtomicReference<Outcome<T>> outcome = new AtomicReference<>();
  private final Event done = new Event();

  boolean set(T value) {
    return resolve(new Outcome<>(value, null));
  }

  boolean fail(Throwable failure) {
    return resolve(new Outcome<>(null, failure));
  }

  private boolean resolve(Outcome<T> o) {
    if (outcome.compareAndSet(null, o)) {
      done.set();
      return true;
    }
    return false;
  }

  /** Waits for the outcome: the value, or the failure raised as itself. */
  T await() {
    done.await();
    Outcome<T> o = outcome.get();
    if (o.failure() != null) {
      throw Sneaky.raise(o.failure());
    }
    return o.value();
  }

}
