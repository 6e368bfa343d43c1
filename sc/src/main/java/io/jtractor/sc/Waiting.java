package io.jtractor.sc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/** Blocking waits of this package, as checkpoints. */
final class Waiting {
  private Waiting() {}

  /**
   * Waits on {@code condition} (its lock held) until signalled or cancelled. A cancellation raises
   * {@link Cancelled} with the lock still held; for an interrupt that is not a cancellation see
   * {@link TaskContext#onInterrupt()}. After any wake-up the caller re-checks its condition.
   */
  static void await(TaskContext task, Condition condition) {
    try {
      condition.await();
    } catch (InterruptedException e) {
      task.onInterrupt();
    }
  }

  /** Sleeps until {@code deadline} (a {@link Sc#currentTime()} value) as a checkpoint. */
  static void sleepUntil(TaskContext task, long deadline) {
    task.checkCancelled();
    while (true) {
      long now = System.nanoTime();
      if (deadline != CancelScope.NO_DEADLINE && deadline <= now) return;
      long left = deadline == CancelScope.NO_DEADLINE ? Long.MAX_VALUE : deadline - now;
      if (left < 0) left = Long.MAX_VALUE; // the subtraction overflowed: as good as forever
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        task.onInterrupt();
      }
    }
  }
}
