package io.jtractor.sc;

import java.time.Duration;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one timer of the JVM's scopes: it fires the deadlines of entered {@link CancelScope}s, and
 * {@link #after} offers it for other bounds (e.g. a runtime's bounded wait for a cancelled task). Checkpoints also compare
 * the clock against deadlines, so a late timer never delays a cancellation that a checkpoint can
 * see; the timer is what wakes a task that is blocked.
 *
 * <p>A lazy timer: the timer thread is woken only for a deadline earlier than the moment it will
 * look anyway. Most deadlines in a runtime are safety bounds (seconds) set and dropped within
 * microseconds, each later than the one before; a {@code ScheduledThreadPoolExecutor} wakes its
 * thread for every one that becomes the earliest, which is nearly every one when they come one at
 * a time, and that wake-up competes for a CPU with the work being bounded. Here such a deadline
 * costs a sorted-set insert and removal under a lock. The thread then wakes at most once per
 * earliest deadline it saw, finds it gone, and sleeps until the next.
 *
 * <p>Threads: one daemon platform thread, started on first use and shared by every scope of the
 * JVM. Everything below is guarded by {@link #LOCK}; actions run on the timer thread without it.
 */
public final class Deadlines {
  private Deadlines() {}

  /** A pending deadline; {@link #cancel()} drops it. */
  public static final class Timer implements Comparable<Timer> {
    private final long at;
    private final long seq;
    private final Runnable action;

    private Timer(long at, long seq, Runnable action) {
      this.at = at;
      this.seq = seq;
      this.action = action;
    }

    /** Drops this deadline if it has not fired; idempotent. */
    public void cancel() {
      LOCK.lock();
      try {
        PENDING.remove(this);
      } finally {
        LOCK.unlock();
      }
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(at - o.at, 0); // nanoTime values: compare by difference
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private static final ReentrantLock LOCK = new ReentrantLock();
  /** Signalled when a deadline earlier than {@link #nextLook} arrives. */
  private static final Condition EARLIER = LOCK.newCondition();
  /** Pending deadlines, earliest first. */
  private static final TreeSet<Timer> PENDING = new TreeSet<>();
  /** Tie-breaker for equal deadlines, in scheduling order. */
  private static long seq;
  /** When the timer thread looks next, valid unless {@link #idle}. */
  private static long nextLook;
  /** Whether the timer thread waits with no deadline (nothing pending when it last looked). */
  private static boolean idle;
  /** Started on first use. */
  private static Thread thread;

  /**
   * Runs {@code action} on the timer thread once {@code delay} has passed, unless the returned
   * timer is cancelled first. The action must be short and must not block: every deadline of the
   * JVM waits behind it (hand longer work to a task).
   */
  public static Timer after(Duration delay, Runnable action) {
    Objects.requireNonNull(action, "action");
    long nanos = delay.isNegative() ? 0 : delay.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : delay.toNanos();
    return schedule(action, System.nanoTime() + nanos);
  }

  /** Calls {@code scope.expireIfDue()} at {@code deadline} (a {@link Sc#currentTime()} value). */
  static Timer schedule(CancelScope scope, long deadline) {
    return schedule(scope::expireIfDue, deadline);
  }

  private static Timer schedule(Runnable action, long deadline) {
    LOCK.lock();
    try {
      Timer t = new Timer(deadline, seq++, action);
      PENDING.add(t);
      if (thread == null) {
        thread = Thread.ofPlatform().daemon().name("jtractor-sc-deadlines").start(Deadlines::run);
      } else if (idle || deadline - nextLook < 0) {
        EARLIER.signal();
      }
      return t;
    } finally {
      LOCK.unlock();
    }
  }

  private static void run() {
    LOCK.lock();
    try {
      while (true) {
        Timer first = PENDING.isEmpty() ? null : PENDING.first();
        if (first == null) {
          idle = true;
          EARLIER.awaitUninterruptibly();
          idle = false;
          continue;
        }
        long wait = first.at - System.nanoTime();
        if (wait > 0) {
          nextLook = first.at;
          try {
            EARLIER.awaitNanos(wait);
          } catch (InterruptedException ignored) {
            // nobody interrupts this thread; look again
          }
          continue;
        }
        PENDING.pollFirst();
        LOCK.unlock();
        try {
          first.action.run();
        } catch (RuntimeException | Error e) { // reported, and the timer lives on for the other scopes
          Thread self = Thread.currentThread();
          self.getUncaughtExceptionHandler().uncaughtException(self, e);
        } finally {
          LOCK.lock();
        }
      }
    } finally {
      LOCK.unlock();
    }
  }

  /** Deadlines pending now (for tests). */
  public static int pending() {
    LOCK.lock();
    try {
      return PENDING.size();
    } finally {
      LOCK.unlock();
    }
  }
}
