package io.jtractor.sc;

import java.util.concurrent.locks.LockSupport;

/** Blocking waits of this package, as checkpoints. */
final class Waiting {
  private Waiting() {}

  /** What a sleeping task is parked on, as thread dumps show it ("a ...Waiting$Sleeping"). */
  private static final class Sleeping {}

  private static final Sleeping SLEEPING = new Sleeping();

  /**
   * Sleeps until {@code deadline} (a {@link Sc#currentTime()} value) as a checkpoint. It parks
   * rather than calling {@code Thread.sleep}: a cancellation unparks the thread (or interrupts it),
   * which ends a park without an {@code InterruptedException} (filling in that exception's stack
   * trace was the largest part of cancelling a sleeping task: docs/design.md). A park may also end
   * early (a stale unpark, or spuriously): the loop looks at the clock and for a cancellation again.
   */
  static void sleepUntil(TaskContext task, long deadline) {
    task.checkCancelled();
    while (true) {
      long now = System.nanoTime();
      if (deadline != CancelScope.NO_DEADLINE && deadline <= now) return;
      long left = deadline == CancelScope.NO_DEADLINE ? Long.MAX_VALUE : deadline - now;
      if (left < 0) left = Long.MAX_VALUE; // the subtraction overflowed: as good as forever
      park(task, SLEEPING, left, deadline);
    }
  }

  /**
   * Parks this thread on {@code blocker} for at most {@code nanos} ({@link Long#MAX_VALUE}: until
   * unparked); a cancellation raises {@link Cancelled}; for an interrupt that is not one see
   * {@link TaskContext#onInterrupt()}. No {@code InterruptedException} is made. The park may end
   * early (a stale unpark, or spuriously): the caller looks at what it waits for again. The waits
   * of this package that are woken by an unpark of their own (a sleep, a channel's, an {@link
   * Event}'s, a {@link CapacityLimiter}'s) all park here.
   *
   * <p>A cancellation reaches a thread parked here by an unpark after the canceller has released
   * the scope tree's lock, not by an interrupt under it ({@link CancelScope#cancel}). A canceller
   * that did not see this wait announced ({@link TaskContext#parkedHere}) interrupts instead; one
   * that saw it unparks, and the permit an unpark leaves ends a park that had not begun yet. Either
   * way the look for a cancellation after the park finds it.
   */
  static void park(TaskContext task, Object blocker, long nanos) {
    beforeBlock(task);
    park(task, blocker, nanos, NOT_A_SLEEP);
  }

  /** {@link #park}'s {@code sleepDeadline} for a wait that is not a sleep. */
  private static final long NOT_A_SLEEP = Long.MIN_VALUE;

  /**
   * {@link #park(TaskContext, Object, long)} without telling the park hook; a sleep (until {@code
   * sleepDeadline}) is offered to it instead ({@link Sc.ParkHook#sleep}), and parks only if the
   * hook does not take it.
   */
  private static void park(TaskContext task, Object blocker, long nanos, long sleepDeadline) {
    Sc.ParkHook hook = sleepDeadline == NOT_A_SLEEP ? null : task.parkHook;
    task.parkedHere = true;
    try {
      if (hook == null || !hook.sleep(sleepDeadline)) {
        if (nanos == Long.MAX_VALUE) {
          LockSupport.park(blocker);
        } else {
          LockSupport.parkNanos(blocker, nanos);
        }
      }
    } finally {
      task.parkedHere = false;
    }
    if (Thread.interrupted()) {
      task.onInterrupt();
    } else {
      task.checkCancelled(); // also sets the interrupt flag, as a delivered cancellation does
    }
  }

  /**
   * Before this package blocks {@code task}'s thread in a wait other than a sleep (a park, or a
   * nursery's wait for its children): its park hook, if any, learns of it ({@link
   * Sc.ParkHook#beforeOtherPark}).
   */
  static void beforeBlock(TaskContext task) {
    Sc.ParkHook hook = task.parkHook;
    if (hook != null) hook.beforeOtherPark();
  }
}
