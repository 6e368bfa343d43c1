package io.jtractor.sc;

import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A one-shot flag that tasks can wait for. Once {@link #set()}, it stays set. Prior art: trio's
 * {@code Event}. Any thread may call any method.
 *
 * <p>A waiter parks on its own thread and {@link #set()} unparks each one after releasing the
 * lock (as a channel's waits do: a task cancelled while it waits makes no {@code
 * InterruptedException}, and no waiter is woken while the lock is held; docs/design.md, "The
 * cancel's own CPU").
 */
public final class Event {
  private final ReentrantLock lock = new ReentrantLock();
  /** The threads waiting in {@link #await}; guarded by {@link #lock}. */
  private final ArrayList<Thread> waiters = new ArrayList<>();
  /** Written once under {@link #lock}; read racily by {@link #isSet()} and the waiters. */
  private volatile boolean set;

  /** Sets the flag and wakes every waiter. Idempotent. */
  public void set() {
    if (set) return;
    Thread[] wake;
    lock.lock();
    try {
      if (set) return;
      set = true;
      wake = waiters.toArray(new Thread[0]);
      waiters.clear();
    } finally {
      lock.unlock();
    }
    for (Thread t : wake) LockSupport.unpark(t);
  }

  /** Whether {@link #set()} was called. */
  public boolean isSet() {
    return set;
  }

  /** Waits until the flag is set; a checkpoint (it checks for cancellation even if already set). */
  public void await() {
    TaskContext task = TaskContext.current();
    task.checkCancelled();
    if (set) return;
    Thread me = Thread.currentThread();
    lock.lock();
    try {
      if (set) return;
      waiters.add(me);
    } finally {
      lock.unlock();
    }
    try {
      // A set() after the look above unparks this thread, leaving a permit if it is not parked
      // yet; a park that ends early for another reason comes round the loop.
      while (!set) {
        Waiting.park(task, this, Long.MAX_VALUE); // a cancellation raises Cancelled
      }
    } finally {
      if (!set) {
        lock.lock();
        try {
          waiters.remove(me);
        } finally {
          lock.unlock();
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Event[" + (set ? "set" : "unset") + "]";
  }
}
