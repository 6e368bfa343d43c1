package io.jtractor.sc.foreign;

import io.jtractor.sc.BrokenResourceError;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Event;
import io.jtractor.sc.Sc;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SC-to-foreign direction of a link: a bounded buffer the SC side sends into (waiting, as a
 * checkpoint, while it is full) and the foreign side receives from asynchronously. An item for a
 * foreign receive that is already waiting is handed over on the loop, so foreign continuations
 * never run on the SC task's thread.
 *
 * <p>States: {@link #OPEN}; {@link #ENDED} once the SC side ended its sending (the foreign side
 * drains the buffer, then sees {@link EndOfChannel}); {@link #CANCELLED} once the SC side
 * cancels the foreign task; {@link #GONE} once the foreign task is over. Every field but the
 * immutable ones is guarded by {@link #lock}.
 */
final class ForeignInbox<T> implements FromSc<T> {
  private static final int OPEN = 0;
  private static final int ENDED = 1;
  private static final int CANCELLED = 2;
  private static final int GONE = 3;

  private final ReentrantLock lock = new ReentrantLock();
  private final int capacity;
  private final Executor loop;
  private final ArrayDeque<Object> items = new ArrayDeque<>();
  private final ArrayDeque<CompletableFuture<T>> waiters = new ArrayDeque<>();
  private int state = OPEN;
  /** Set and replaced whenever room is made or the state changes: wakes an SC sender. */
  private Event changed = new Event();
  /** Completed (on the loop) when the SC side cancels; any thread. */
  private final CompletableFuture<Void> cancelled = new CompletableFuture<>();

  ForeignInbox(int capacity, Executor loop) {
    this.capacity = capacity;
    this.loop = loop;
  }

  // ----------------------------------------------------------------------------------------------
  // The foreign side

  @Override
  public CompletionStage<T> receive() {
    lock.lock();
    try {
      if (!items.isEmpty()) {
        T item = Nulls.unwrap(items.pollFirst());
        signalLocked();
        return CompletableFuture.completedFuture(item);
      }
      switch (state) {
        case CANCELLED, GONE -> {
          return CompletableFuture.failedFuture(new CancellationException("the SC side cancelled this foreign task"));
        }
        case ENDED -> {
          return CompletableFuture.failedFuture(new EndOfChannel("the SC side ended its sending"));
        }
        default -> {
          CompletableFuture<T> f = new CompletableFuture<>();
          waiters.addLast(f);
          return f;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletionStage<Void> cancelled() {
    return cancelled.copy();
  }

  @Override
  public boolean isCancelled() {
    return cancelled.isDone();
  }

  // ----------------------------------------------------------------------------------------------
  // The SC side

  /** Sends a (wrapped) item; a checkpoint; waits while the buffer is full. */
  void send(Object item) {
    Sc.checkpointIfCancelled();
    while (true) {
      Event wait;
      CompletableFuture<T> waiter;
      lock.lock();
      try {
        switch (state) {
          case CANCELLED, GONE -> throw new BrokenResourceError("the foreign task has ended: nothing receives what is sent");
          case ENDED -> throw new ClosedResourceError("the sending end of this link was closed");
          default -> {}
        }
        waiter = pollLiveWaiterLocked();
        if (waiter == null && items.size() < capacity) {
          items.addLast(item);
          return;
        }
        wait = changed;
      } finally {
        lock.unlock();
      }
      if (waiter != null) {
        handOver(waiter, item);
        return;
      }
      wait.await();
    }
  }

  private CompletableFuture<T> pollLiveWaiterLocked() {
    CompletableFuture<T> f;
    while ((f = waiters.pollFirst()) != null) {
      if (!f.isDone()) return f; // a receive the foreign side gave up on is skipped
    }
    return null;
  }

  /** Completes a waiting receive on the loop; if the foreign side gave up on it meanwhile, the item goes back. */
  private void handOver(CompletableFuture<T> waiter, Object item) {
    Loops.onLoop(loop, () -> {
      if (!waiter.complete(Nulls.unwrap(item))) {
        requeueFirst(item);
      }
    });
  }

  private void requeueFirst(Object item) {
    CompletableFuture<T> next;
    lock.lock();
    try {
      if (state == CANCELLED || state == GONE) return;
      next = pollLiveWaiterLocked();
      if (next == null) {
        items.addFirst(item);
        return;
      }
    } finally {
      lock.unlock();
    }
    handOver(next, item);
  }

  /** The SC side ends its sending: the foreign side drains the buffer, then sees the end. */
  void endSending() {
    List<CompletableFuture<T>> ended;
    lock.lock();
    try {
      if (state != OPEN) return;
      state = ENDED;
      ended = items.isEmpty() ? List.copyOf(waiters) : List.of();
      if (items.isEmpty()) waiters.clear();
      signalLocked();
    } finally {
      lock.unlock();
    }
    if (!ended.isEmpty()) {
      EndOfChannel e = new EndOfChannel("the SC side ended its sending");
      Loops.onLoop(loop, () -> ended.forEach(f -> f.completeExceptionally(e)));
    }
  }

  /** The SC side cancels the foreign task: its receives fail with CancellationException. */
  void cancel() {
    List<CompletableFuture<T>> failed;
    lock.lock();
    try {
      if (state == CANCELLED || state == GONE) return;
      state = CANCELLED;
      items.clear();
      failed = List.copyOf(waiters);
      waiters.clear();
      signalLocked();
    } finally {
      lock.unlock();
    }
    CancellationException e = new CancellationException("the SC side cancelled this foreign task");
    Loops.onLoop(loop, () -> {
      failed.forEach(f -> f.completeExceptionally(e));
      cancelled.complete(null);
    });
  }

  /** The foreign task is over: SC senders learn that nothing receives any more. */
  void foreignGone() {
    lock.lock();
    try {
      if (state == GONE) return;
      state = GONE;
      items.clear();
      waiters.clear();
      signalLocked();
    } finally {
      lock.unlock();
    }
  }

  private void signalLocked() {
    Event old = changed;
    changed = new Event();
    old.set();
  }
}
