package io.jtractor.sc;

import java.util.Iterator;
import java.util.Objects;

/**
 * The sending end of a {@link MemoryChannel}. Any thread may use it; each clone is closed on its
 * own. Prior art: trio's {@code MemorySendChannel}.
 *
 * @param <T> the item type
 */
public final class SendChannel<T> implements AutoCloseable {
  private final MemoryChannel.State<T> state;
  /** Guarded by the channel's lock; read racily only for a fast error path. */
  private boolean closed;

  SendChannel(MemoryChannel.State<T> state) {
    this.state = state;
  }

  /**
   * Sends {@code item}, waiting while the buffer is full; a checkpoint. If the task is cancelled
   * while waiting, the item is not sent.
   *
   * @throws BrokenResourceError if every receive end is closed (also while waiting)
   * @throws ClosedResourceError if this end is closed (also by another task while waiting)
   * @throws NullPointerException if {@code item} is null
   */
  public void send(T item) {
    Objects.requireNonNull(item, "item");
    TaskContext task = TaskContext.current();
    task.checkCancelled();
    state.lock.lock();
    try {
      checkUsableLocked();
      if (state.offerLocked(item)) {
        return;
      }
      var parked = new MemoryChannel.Parked<>(this, item);
      state.blockedSenders.addLast(parked);
      parked.spinWhilePending(state.lock);
      try {
        while (parked.outcome == MemoryChannel.Parked.PENDING) {
          state.awaitUnlocked(task);
        }
      } catch (Cancelled c) {
        if (parked.outcome == MemoryChannel.Parked.DONE) {
          return; // delivered as the cancellation arrived; the next checkpoint raises
        }
        state.blockedSenders.remove(parked);
        throw c;
      }
      if (parked.outcome != MemoryChannel.Parked.DONE) {
        // Woken without the item taken. If this task is being cancelled, that is the news: the
        // receivers going away is most likely part of the same cancellation, not a new failure.
        task.checkCancelled();
      }
      switch (parked.outcome) {
        case MemoryChannel.Parked.BROKEN -> throw broken();
        case MemoryChannel.Parked.CLOSED ->
            throw new ClosedResourceError("this send channel was closed while sending");
        default -> {}
      }
    } finally {
      state.unlockAndWake();
    }
  }

  /**
   * Sends {@code item} if that needs no waiting; never blocks.
   *
   * @return false if the buffer is full
   * @throws BrokenResourceError if every receive end is closed
   * @throws ClosedResourceError if this end is closed
   */
  public boolean trySend(T item) {
    Objects.requireNonNull(item, "item");
    state.lock.lock();
    try {
      checkUsableLocked();
      return state.offerLocked(item);
    } finally {
      state.unlockAndWake();
    }
  }

  /**
   * Sends the items of {@code items}, in order, as far as that needs no waiting; never blocks. All
   * of them are offered under one hold of the channel's lock, so a receiver waiting for the first
   * is woken once for the lot (a reader delivering what one socket read brought pays one wake-up,
   * not one per item).
   *
   * @return how many were sent: all of them, or those before the first that found the buffer full
   * @throws BrokenResourceError if every receive end is closed (nothing is sent)
   * @throws ClosedResourceError if this end is closed (nothing is sent)
   * @throws NullPointerException if an item is null (the items before it are sent)
   */
  public int trySendAll(java.util.List<? extends T> items) {
    state.lock.lock();
    try {
      checkUsableLocked();
      int sent = 0;
      for (T item : items) {
        if (!state.offerLocked(Objects.requireNonNull(item, "item"))) break;
        sent++;
      }
      return sent;
    } finally {
      state.unlockAndWake();
    }
  }

  /**
   * Like {@link #send}, but reports a channel whose receivers are all gone by returning false
   * instead of raising {@link BrokenResourceError}; the item is dropped then.
   *
   * @throws ClosedResourceError if this end is closed
   */
  public boolean sendOrClosed(T item) {
    try {
      send(item);
      return true;
    } catch (BrokenResourceError e) {
      return false;
    }
  }

  private void checkUsableLocked() {
    if (closed) throw new ClosedResourceError("this send channel is closed");
    if (state.openReceivers == 0) throw broken();
  }

  private static BrokenResourceError broken() {
    return new BrokenResourceError("every receive end of this channel is closed");
  }

  /** Sends every item of {@code items} in order; a convenience over {@link #send}. */
  public void sendAll(Iterable<? extends T> items) {
    for (Iterator<? extends T> it = items.iterator(); it.hasNext(); ) {
      send(it.next());
    }
  }

  /**
   * Another send end of the same channel; the channel's send side stays open until every clone is
   * closed.
   *
   * @throws ClosedResourceError if this end is closed
   */
  @Override
  public SendChannel<T> clone() {
    state.lock.lock();
    try {
      if (closed) throw new ClosedResourceError("cannot clone a closed send channel");
      state.openSenders++;
      return new SendChannel<>(state);
    } finally {
      state.unlockAndWake();
    }
  }

  /**
   * Closes this end. Tasks blocked sending through it get {@link ClosedResourceError}; when the
   * last send end closes, receivers drain the buffer and then see the end of the channel.
   * Idempotent.
   */
  @Override
  public void close() {
    state.lock.lock();
    try {
      if (closed) return;
      closed = true;
      state.openSenders--;
      state.resolveAll(state.blockedSenders, this, MemoryChannel.Parked.CLOSED);
      if (state.openSenders == 0) {
        // Receivers can only be waiting on an empty buffer: they see the end now.
        for (var p : state.blockedReceivers) state.wake(p);
      }
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
}
