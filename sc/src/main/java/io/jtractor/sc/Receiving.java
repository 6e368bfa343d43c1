package io.jtractor.sc;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/** Helpers for things that are received from until they end with {@link EndOfChannel}. */
public final class Receiving {
  private Receiving() {}

  /**
   * An iterator over what {@code source} returns, ending (cleanly) when it raises {@link
   * EndOfChannel}; any other failure escapes from {@code hasNext()}/{@code next()}. Like trio's
   * {@code async for} over a receive channel.
   */
  public static <T> Iterator<T> untilEnd(BroadcastReceiver.Source<T> source) {
    Objects.requireNonNull(source, "source");
    return new Iterator<>() {
      private T pending;
      private boolean has;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (has) return true;
        if (done) return false;
        try {
          pending = source.receive();
          has = true;
        } catch (EndOfChannel e) {
          done = true;
        }
        return has;
      }

      @Override
      public T next() {
        if (!hasNext()) throw new NoSuchElementException();
        has = false;
        T v = pending;
        pending = null;
        return v;
      }
    };
  }
}
