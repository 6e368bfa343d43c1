package io.jtractor.sc;

import java.time.Duration;
import java.util.Objects;

/**
 * Entry points in the style of trio's top-level functions: checkpoints, sleeping, the clock, and
 * timeouts ({@code moveOnAfter}, {@code failAfter}).
 *
 * <p>Every method may be called from any thread. Those that block are checkpoints: they raise
 * {@link Cancelled} when a scope around the caller is cancelled.
 */
public final class Sc {
  private Sc() {}

  /**
   * The clock that deadlines are measured on: monotonic nanoseconds ({@link System#nanoTime()}),
   * as trio's {@code current_time()}.
   */
  public static long currentTime() {
    return System.nanoTime();
  }

  /**
   * The calling task's tag: an opaque value that tasks inherit through nurseries, as a context
   * variable is inherited in trio, but from the task that opened the nursery (its owner, when it
   * opened it), not from whichever thread starts the task. So the layers above can tell which of
   * several things sharing a JVM a task works for (the runtime: which actor). Null by default.
   */
  public static Object taskTag() {
    return TaskContext.currentTag();
  }

  /**
   * Sets the calling task's tag (see {@link #taskTag()}): nurseries it opens from now on pass it
   * to their tasks; nurseries already open keep the tag they opened with.
   */
  public static void setTaskTag(Object tag) {
    TaskContext.current().tag = tag;
  }

  /**
   * What a thread does with its waits in this package, for a runtime that can use a sleeping
   * thread (set per thread with {@link #setParkHook}). A connection's reader that runs a call
   * itself can go on reading while the call sleeps, and must give the reading up before the call
   * waits for anything else.
   *
   * <p>The rules of a sleep hold: a sleep ends at its deadline or on a cancellation, and a hook's
   * {@link #sleep} may return earlier for any reason (the sleep looks again). A cancellation
   * reaches a thread in a hook's sleep as it reaches a parked one, by an unpark after the canceller
   * has let go of the scope tree's lock (see {@link CancelScope#cancel}): a hook that does not
   * park must look for one itself ({@link #isCancelled}) at least every millisecond or so.
   */
  public interface ParkHook {
    /**
     * Offered a sleep until {@code deadline} (a {@link #currentTime()} value, or {@link
     * CancelScope#NO_DEADLINE}) before the thread parks in it: true if it used the time, returning
     * when the sleep should look again (at the latest at the deadline or soon after a
     * cancellation); false if it did not, and the thread parks as usual.
     */
    boolean sleep(long deadline);

    /** Called before the thread parks in any other wait of this package. */
    void beforeOtherPark();
  }

  /**
   * Sets the calling thread's park hook ({@code null}: none) and returns the one it replaces, for
   * the caller to put back when done.
   */
  public static ParkHook setParkHook(ParkHook hook) {
    TaskContext task = TaskContext.current();
    ParkHook old = task.parkHook;
    task.parkHook = hook;
    return old;
  }

  /** A cancellation point and a scheduling point: raises {@link Cancelled} if cancelled, else yields. */
  public static void checkpoint() {
    TaskContext.current().checkCancelled();
    Thread.yield();
  }

  /** A cancellation point only: raises {@link Cancelled} if cancelled, never yields. */
  public static void checkpointIfCancelled() {
    TaskContext.current().checkCancelled();
  }

  /** Whether a checkpoint here would raise {@link Cancelled} (without raising it). */
  public static boolean isCancelled() {
    return TaskContext.current().cancelTarget() != null;
  }

  /** Sleeps for {@code duration}; a checkpoint. Zero or negative durations still check. */
  public static void sleep(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    TaskContext task = TaskContext.current();
    long deadline = CancelScope.saturatedAdd(System.nanoTime(), duration.isNegative() ? Duration.ZERO : duration);
    Waiting.sleepUntil(task, deadline);
  }

  /** Sleeps until {@code deadline} (a {@link #currentTime()} value); a checkpoint. */
  public static void sleepUntil(long deadline) {
    Waiting.sleepUntil(TaskContext.current(), deadline);
  }

  /** Sleeps until cancelled. */
  public static void sleepForever() {
    Waiting.sleepUntil(TaskContext.current(), CancelScope.NO_DEADLINE);
  }

  /**
   * Runs {@code body} in a new scope whose deadline is {@code timeout} from now; when the deadline
   * expires the body is cancelled and this returns normally. Check {@link
   * CancelScope#cancelledCaught()} on the returned scope to learn whether that happened.
   */
  public static CancelScope moveOnAfter(Duration timeout, Block<? super CancelScope> body) {
    CancelScope scope = CancelScope.withTimeout(timeout);
    scope.run(body);
    return scope;
  }

  /** {@link #moveOnAfter} with an absolute deadline. */
  public static CancelScope moveOnAt(long deadline, Block<? super CancelScope> body) {
    CancelScope scope = CancelScope.withDeadline(deadline);
    scope.run(body);
    return scope;
  }

  /**
   * Runs {@code body} with a deadline {@code timeout} from now; if the deadline cancels it, raises
   * {@link TooSlowError}.
   */
  public static void failAfter(Duration timeout, Block<? super CancelScope> body) {
    CancelScope scope = moveOnAfter(timeout, body);
    if (scope.cancelledCaught()) {
      throw new TooSlowError("deadline of " + timeout + " expired");
    }
  }

  /** {@link #failAfter} with an absolute deadline. */
  public static void failAt(long deadline, Block<? super CancelScope> body) {
    CancelScope scope = moveOnAt(deadline, body);
    if (scope.cancelledCaught()) {
      throw new TooSlowError("deadline expired");
    }
  }

  /**
   * Runs {@code body} in a shielded scope: cancellation of outer scopes does not reach it (its own
   * deadline or {@code cancel()} still do). For cleanup that must finish, such as closing a
   * connection politely; bound it with a deadline.
   */
  public static void shielded(Block<? super CancelScope> body) {
    CancelScope.createShielded().run(body);
  }

}
