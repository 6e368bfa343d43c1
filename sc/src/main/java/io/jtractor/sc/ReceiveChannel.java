package io.jtractor.sc;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The receiving end of a {@link MemoryChannel}. Iterable: {@code for (T item : receiver)} receives
 * until the channel ends (each step a checkpoint). Any thread may use it; each clone is closed on
 * its own. Prior art: trio's {@code MemoryReceiveChannel}.
 *
 * @param <T> the item type
 */
public final class ReceiveChannel<T> implements AutoCloseable, Iterable<T> {
  private final MemoryChannel.State<T> state;
  /** Guarded by the channel's lock. */
  private boolean closed;

  ReceiveChannel(MemoryChannel.State<T> state) {
    this.state = state;
  }

  /**
   * Receives the next item, waiting while there is none; a checkpoint.
   *
   * @throws EndOfChannel if every send end is closed and nothing is buffered
   * @throws ClosedResourceError if this end is closed (also by another task while waiting)
   */
  public T receive() {
    T item = receiveOrClosed();
    if (item == null) throw new EndOfChannel("every send end of this channel is closed");
    return item;
  }

  /**
   * Like {@link #receive()}, but returns null at the end of the channel instead of raising
   * {@link EndOfChannel}.
   *
   * @throws ClosedResourceError if this end is closed
   */
  public T receiveOrClosed() {
    return receiveOrClosed(0);
  }

  /** The longest spin {@link #receiveSpinning} does before parking: 1 ms. */
  public static final long MAX_SPIN_NANOS = 1_000_000;

  /**
   * Like {@link #receive()}, but when nothing is buffered yet, first spins for up to {@code
   * spinNanos} before parking, on a machine with more than one CPU (on one CPU it never spins).
   * For a reply expected within microseconds: an item handed over while the receiver spins costs
   * the sender no thread wake-up (on a 2-vCPU VM ~20-30 us) and the receiver no context switch.
   * Between short bursts of spinning a platform thread yields its CPU ({@link Thread#yield()}), so
   * a thread the hand-off depends on that was woken on the same CPU runs at once instead of after
   * the spin (a virtual thread does not: its yield would unmount it).
   * The spin burns a CPU and is not a checkpoint: a cancellation, or the channel's end, is
   * noticed when it ends, so it is capped at {@link #MAX_SPIN_NANOS}.
   *
   * @param spinNanos how long to spin at most before parking (capped at {@link #MAX_SPIN_NANOS});
   *     0 for the usual short spin
   * @throws EndOfChannel if every send end is closed and nothing is buffered
   * @throws ClosedResourceError if this end is closed (also by another task while waiting)
   * @throws IllegalArgumentException if {@code spinNanos} is negative
   */
  public T receiveSpinning(long spinNanos) {
    if (spinNanos < 0) throw new IllegalArgumentException("spinNanos must be >= 0: " + spinNanos);
    T item = receiveOrClosed(Math.min(spinNanos, MAX_SPIN_NANOS));
    if (item == null) throw new EndOfChannel("every send end of this channel is closed");
    return item;
  }

  private T receiveOrClosed(long spinNanos) {
    TaskContext task = TaskContext.current();
    task.checkCancelled();
    state.lock.lock();
    try {
      if (closed) throw new ClosedResourceError("this receive channel is closed");
      T item = state.takeLocked();
      if (item != null || state.openSenders == 0) {
        return item;
      }
      var parked = new MemoryChannel.Parked<T>(this, null);
      state.blockedReceivers.addLast(parked);
      parked.spinWhilePending(state.lock, spinNanos);
      try {
        while (parked.outcome == MemoryChannel.Parked.PENDING && state.openSenders > 0) {
          state.awaitUnlocked(task);
        }
      } catch (Cancelled c) {
        if (parked.outcome == MemoryChannel.Parked.DONE) {
          return parked.item; // handed over as the cancellation arrived: keep it, nothing is lost
        }
        state.blockedReceivers.remove(parked);
        throw c;
      }
      if (parked.outcome != MemoryChannel.Parked.DONE) {
        task.checkCancelled(); // as in send: a cancellation outranks the end it caused
      }
      return switch (parked.outcome) {
        case MemoryChannel.Parked.DONE -> parked.item;
        case MemoryChannel.Parked.CLOSED -> throw new ClosedResourceError("this receive channel was closed while receiving");
        default -> {
          state.blockedReceivers.remove(parked); // every sender closed: the end of the channel
          yield null;
        }
      };
    } finally {
      state.unlockAndWake();
    }
  }

  /**
   * Receives an item if one is ready; never blocks.
   *
   * @return the item, or null if none is ready now
   * @throws EndOfChannel if every send end is closed and nothing is buffered
   * @throws ClosedResourceError if this end is closed
   */
  public T tryReceive() {
    state.lock.lock();
    try {
      if (closed) throw new ClosedResourceError("this receive channel is closed");
      T item = state.takeLocked();
      if (item == null && state.openSenders == 0) {
        throw new EndOfChannel("every send end of this channel is closed");
      }
      return item;
    } finally {
      state.unlockAndWake();
    }
  }

  /**
   * Another receive end of the same channel; items go to whichever clone asks first.
   *
   * @throws ClosedResourceError if this end is closed
   */
  @Override
  public ReceiveChannel<T> clone() {
    state.lock.lock();
    try {
      if (closed) throw new ClosedResourceError("cannot clone a closed receive channel");
      state.openReceivers++;
      return new ReceiveChannel<>(state);
    } finally {
      state.unlockAndWake();
    }
  }

  /**
   * Closes this end. Tasks blocked receiving through it get {@link ClosedResourceError}; when the
   * last receive end closes, buffered items are dropped and senders get {@link
   * BrokenResourceError}. Idempotent.
   */
  @Override
  public void close() {
    state.lock.lock();
    try {
      if (closed) return;
      closed = true;
      state.openReceivers--;
      state.resolveAll(state.blockedReceivers, this, MemoryChannel.Parked.CLOSED);
      if (state.openReceivers == 0) {
        state.dropBufferLocked();
        state.resolveAll(state.blockedSenders, null, MemoryChannel.Parked.BROKEN);
      }
    } finally {
      state.unlockAndWake();
    }
  }

  /**
   * Sets how many items the buffer may hold from now on (of those its bound counts: {@link
   * MemoryChannel#open(int, java.util.function.Predicate)}). A larger size lets waiting senders'
   * items in at once, first come first; a smaller one keeps what is buffered, and sends wait until
   * the buffer is under it. For a receiver that learns its buffer's size after the channel is open
   * (trio's channels cannot be resized).
   *
   * @param maxBufferSize 0 for a rendezvous, a positive size, or {@link MemoryChannel#UNBOUNDED}
   * @throws IllegalArgumentException if {@code maxBufferSize} is negative
   * @throws ClosedResourceError if this end is closed
   */
  public void resize(int maxBufferSize) {
    MemoryChannel.checkSize(maxBufferSize);
    state.lock.lock();
    try {
      if (closed) throw new ClosedResourceError("this receive channel is closed");
      state.capacity = maxBufferSize;
      state.admitBlockedSendersLocked();
    } finally {
      state.unlockAndWake();
    }
  }

  /** Whether this end is closed. */
  public boolean isClosed() {
    state.lock.lock();
    try {
      return closed;
    } finally {
      state.unlockAndWake();
    }
  }

  MemoryChannel.State<T> state() {
    return state;
  }

  /** A snapshot of the channel's state. */
  public MemoryChannel.Statistics statistics() {
    return state.statistics();
  }

  /**
   * Receives until the end of the channel. {@code hasNext()} blocks (a checkpoint) until an item
   * arrives or the channel ends.
   */
  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private T next;

      @Override
      public boolean hasNext() {
        if (next == null) next = receiveOrClosed();
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) throw new NoSuchElementException("the channel has ended");
        T item = next;
        next = null;
        return item;
      }
    };
  }
}
