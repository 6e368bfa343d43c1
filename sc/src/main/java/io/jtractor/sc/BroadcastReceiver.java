package io.jtractor.sc;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fans one receive source out to several local tasks: every subscriber sees every value that
 * arrives after it subscribed, as long as it keeps up with a window of the newest {@code
 * maxBufferSize} values.
 *
 * <p>Prior art: tractor's {@code trionics.broadcast_receiver} (itself after tokio's broadcast
 * channel). Kept: no extra task; whichever subscriber needs a value that nobody has read yet
 * becomes the one reading the source, the others wait for it; a subscriber that falls behind the
 * window gets {@link Lagged} (or, with {@code raiseOnLag} off, a log line) and resumes at the
 * oldest retained value; the end of the source reaches every subscriber; a reader that is
 * cancelled hands the reading to another waiter. Where we deviate: values are numbered by a
 * sequence counter instead of per-subscriber indexes shifted on every arrival, so an arrival costs
 * O(1) whatever the number of subscribers.
 *
 * <p>Threads: every method may be called from any thread; one subscriber should be used by one
 * task at a time. The shared state is guarded by one lock held only for short sections.
 *
 * @param <T> the type of the values
 */
public final class BroadcastReceiver<T> implements AutoCloseable, Iterable<T> {
  private static final System.Logger LOG = System.getLogger(BroadcastReceiver.class.getName());

  /** Where values come from: {@code receive()} blocks for the next one, or throws {@link EndOfChannel}. */
  @FunctionalInterface
  public interface Source<T> {
    T receive();
  }

  /** What all subscribers of one source share. */
  private static final class Shared<T> {
    final ReentrantLock lock = new ReentrantLock();
    final Source<T> source;
    final int maxBufferSize;
    // ---- guarded by lock ----
    /** A ring of the newest values: value number k is at {@code ring[k % ring.length]}. */
    final Object[] ring;
    /** The number of the next value to arrive; values [oldest(), nextSeq) are retained. */
    long nextSeq;
    boolean reading;
    boolean endOfChannel;
    int subscribers;
    /** Set (and replaced) whenever a value arrives, the source ends, or a reader gives up. */
    Event changed = new Event();

    Shared(Source<T> source, int maxBufferSize) {
      this.source = source;
      this.maxBufferSize = maxBufferSize;
      this.ring = new Object[maxBufferSize];
    }

    long oldest() {
      return Math.max(0, nextSeq - ring.length);
    }

    void signalLocked() {
      Event old = changed;
      changed = new Event();
      old.set();
    }
  }

  private final Shared<T> shared;
  private final boolean raiseOnLag;
  /** The sequence number of the next value this subscriber reads. Its own task only. */
  private long next;
  /** Any thread (close may come from another task). */
  private volatile boolean closed;

  private BroadcastReceiver(Shared<T> shared, boolean raiseOnLag) {
    this.shared = shared;
    this.raiseOnLag = raiseOnLag;
    shared.lock.lock();
    try {
      this.next = shared.nextSeq;
      shared.subscribers++;
    } finally {
      shared.lock.unlock();
    }
  }

  /**
   * Wraps {@code source}, returning its first subscriber.
   *
   * @param maxBufferSize how many of the newest values are kept for subscribers that lag
   * @param raiseOnLag whether a lagging subscriber gets {@link Lagged} (else a warning is logged)
   */
  public static <T> BroadcastReceiver<T> over(Source<T> source, int maxBufferSize, boolean raiseOnLag) {
    Objects.requireNonNull(source, "source");
    if (maxBufferSize < 1) throw new IllegalArgumentException("maxBufferSize must be at least 1: " + maxBufferSize);
    return new BroadcastReceiver<>(new Shared<>(source, maxBufferSize), raiseOnLag);
  }

  /** A new subscriber of the same source, seeing values from now on, raising {@link Lagged}. */
  public BroadcastReceiver<T> subscribe() {
    return subscribe(true);
  }

  /**
   * A new subscriber of the same source, seeing values from now on.
   *
   * @throws ClosedResourceError if this subscriber was closed
   */
  public BroadcastReceiver<T> subscribe(boolean raiseOnLag) {
    if (closed) throw new ClosedResourceError("cannot subscribe through a closed broadcast receiver");
    return new BroadcastReceiver<>(shared, raiseOnLag);
  }

  /**
   * The next value for this subscriber. A checkpoint when it has to wait.
   *
   * @throws EndOfChannel when the source has ended and this subscriber has read everything
   * @throws Lagged if values were lost to this subscriber (it resumes at the oldest retained one)
   * @throws ClosedResourceError if this subscriber was closed
   */
  public T receive() {
    while (true) {
      if (closed) throw new ClosedResourceError("this broadcast subscriber was closed");
      Event wait;
      Shared<T> s = shared;
      s.lock.lock();
      try {
        long oldest = s.oldest();
        if (next < s.nextSeq) {
          if (next < oldest) {
            long lost = oldest - next;
            next = oldest;
            String msg = Thread.currentThread().getName() + " overran and dropped " + lost + " values";
            if (raiseOnLag) throw new Lagged(msg, lost);
            LOG.log(System.Logger.Level.WARNING, msg);
          }
          @SuppressWarnings("unchecked")
          T v = (T) s.ring[(int) (next % s.ring.length)];
          next++;
          return v;
        }
        if (s.endOfChannel) throw new EndOfChannel("the broadcast source has ended");
        if (s.reading) {
          wait = s.changed;
        } else {
          s.reading = true;
          wait = null;
        }
      } finally {
        s.lock.unlock();
      }
      if (wait != null) {
        wait.await();
        continue;
      }
      readOne(s);
    }
  }

  /** Reads one value from the source into the window (this task holds the reading). */
  private static <T> void readOne(Shared<T> s) {
    T v;
    try {
      v = s.source.receive();
    } catch (EndOfChannel e) {
      s.lock.lock();
      try {
        s.reading = false;
        s.endOfChannel = true;
        s.signalLocked();
      } finally {
        s.lock.unlock();
      }
      return;
    } catch (Throwable t) {
      // Cancelled or failed: someone else takes over the reading.
      s.lock.lock();
      try {
        s.reading = false;
        s.signalLocked();
      } finally {
        s.lock.unlock();
      }
      throw t;
    }
    s.lock.lock();
    try {
      s.ring[(int) (s.nextSeq % s.ring.length)] = v;
      s.nextSeq++;
      s.reading = false;
      s.signalLocked();
    } finally {
      s.lock.unlock();
    }
  }

  /** Unsubscribes; idempotent. The source itself is not closed. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    shared.lock.lock();
    try {
      shared.subscribers--;
    } finally {
      shared.lock.unlock();
    }
  }

  /** The number of open subscribers of this source. */
  public int subscribers() {
    shared.lock.lock();
    try {
      return shared.subscribers;
    } finally {
      shared.lock.unlock();
    }
  }

  /** Iterates until the source ends; a {@link Lagged} escapes from {@code next()}. */
  @Override
  public Iterator<T> iterator() {
    return Receiving.untilEnd(this::receive);
  }
}
