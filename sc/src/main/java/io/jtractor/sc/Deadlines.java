package io.jtractor.sc;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer that fires deadlines of entered {@link CancelScope}s. Checkpoints also compare
 * the clock against deadlines, so a late timer never delays a cancellation that a checkpoint can
 * see; the timer is what wakes a task that is blocked.
 *
 * <p>A single daemon platform thread, started on first use and shared by every scope of the JVM.
 */
final class Deadlines {
  private Deadlines() {}

  private static final class Holder {
    static final ScheduledThreadPoolExecutor TIMER = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor t =
          new ScheduledThreadPoolExecutor(
              1, r -> Thread.ofPlatform().daemon().inheritInheritableThreadLocals(false).name("jtractor-sc-deadlines").unstarted(r));
      t.setRemoveOnCancelPolicy(true);
      return t;
    }
  }

  /** Calls {@code scope.expireIfDue()} at {@code deadline} (a {@link Sc#currentTime()} value). */
  static ScheduledFuture<?> schedule(CancelScope scope, long deadline) {
    long delay = Math.max(0, deadline - System.nanoTime());
    return Holder.TIMER.schedule(scope::expireIfDue, delay, TimeUnit.NANOSECONDS);
  }
}
