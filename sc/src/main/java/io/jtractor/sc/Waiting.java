package io.jtractor.sc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/** Blocking waits of this package, as checkpoints. */
final class Waiting {
  private Waiting() {}

  /**
   * Waits on {@code condition} (its lock held) until signalled or cancelled. A cancellation raises
   * {@link Cancelled} with the lock still held; an interrupt that is not a cancellation (one held
   * back by a shield, or stale) is ignored, and the caller re-checks its condition as after any
   * wake-up.
   */
  static void await(TaskContext task, Condition condition) {
    try {
      condition.await();
    } catch (InterruptedException e) {
      task.checkCancelled();
    }
  }

  /** Like {@link #await} with a limit; returns false if {@code nanos} ran out. */
  static boolean awaitNanos(TaskContext task, Condition condition, long nanos) {
    try {
      return condition.awaitNanos(nanos) > 0;
    } catch (InterruptedException e) {
      task.checkCancelled();
      return true;
    }
  }

  /** Sleeps until {@code deadline} (a {@link Sc#currentTime()} value) as a checkpoint. */
  static void sleepUntil(TaskContext task, long deadline) {
    task.checkCancelled();
    while (true) {
      long left = deadline - System.nanoTime();
      if (deadline == CancelScope.NO_DEADLINE) left = Long.MAX_VALUE;
      if (left <= 0) return;
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        task.checkCancelled();
      }
    }
  }
}
