package io.jtractor.sc;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A one-shot flag that tasks can wait for. Once {@link #set()}, it stays set. Prior art: trio's
 * {@code Event}. Any thread may call any method.
 */
public final class Event {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Written once under {@link #lock}; read racily by {@link #isSet()}. */
  private volatile boolean set;

  /** Sets the flag and wakes every waiter. Idempotent. */
  public void set() {
    if (set) return;
    lock.lock();
    try {
      set = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
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
    lock.lock();
    try {
      while (!set) {
        Waiting.await(task, changed);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "Event[" + (set ? "set" : "unset") + "]";
  }
}
