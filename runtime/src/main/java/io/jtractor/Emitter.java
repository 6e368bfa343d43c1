package io.jtractor;

import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.TypeError;
import io.jtractor.runtime.ContextLink;
import io.jtractor.runtime.Injectables;
import io.jtractor.wire.Msg;

/**
 * What a streaming function sends its values through: tractor's async generator, in Java. A public
 * static method whose first parameter is an {@code Emitter} is a streaming function; callers read
 * it with {@link Portal#openStreamFrom}. Each {@link #emit} sends one {@code yield}; returning
 * sends {@code stop}.
 *
 * <pre>{@code
 * public static void counter(Emitter<Integer> out, int n) {
 *   for (int i = 0; i < n; i++) out.emit(i);
 * }
 * }</pre>
 *
 * @param <T> the type of the values
 */
public final class Emitter<T> {
  static {
    Injectables.register(Emitter.class, Msg.ASYNCGEN, Emitter::new);
  }

  private final ContextLink link;

  private Emitter(ContextLink link) {
    this.link = link;
  }

  /**
   * Sends one value; a checkpoint. Waits while a jtractor caller's buffer is full.
   *
   * @throws TypeError if msgpack cannot carry the value
   * @throws ConnectionLost if the caller's connection is gone
   */
  public void emit(T value) {
    link.sendYield(value, true);
  }

  @Override
  public String toString() {
    return "Emitter[" + link + "]";
  }
}
